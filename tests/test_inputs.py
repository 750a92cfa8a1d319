"""Fast checks of inputs/shanxi: sources, the SOURCES.md Values section, the loaded Dataset,
and located errors for broken copies of the folder (no solver needed)."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from energysim.errors import InputError, Problem
from energysim.inputs import load_inputs
from energysim.inputs.sources import (
    defined_ids,
    is_up_to_date,
    main,
    source_ids,
    update_values_section,
    values_table,
)
from energysim.inputs.timeslices import PROFILES

ROOT = Path(__file__).resolve().parents[1]
SHANXI = ROOT / "inputs" / "shanxi"
YEARS = [2020, 2025, 2030, 2060]
NON_NUMERIC = ("kind", "fuel", "target_unit", "fossil")
INDEX_VARIABLES = ("slice_previous",)  # slice numbers, not quantities: no unit


@pytest.fixture(scope="module")
def dataset() -> xr.Dataset:
    return load_inputs(SHANXI, YEARS)


def _used_ids(folder: Path) -> dict[str, list[str]]:
    """Source id -> 'file:line' places where a CSV row cites it."""
    used: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if "source" not in (reader.fieldnames or []):
                continue
            for row in reader:
                used.setdefault(row["source"], []).append(f"{path.name}:{reader.line_num}")
    return used


def test_every_cited_source_is_defined() -> None:
    defined = source_ids(SHANXI)
    used = _used_ids(SHANXI)
    assert used, "no source column found"
    undefined = {sid: places[:3] for sid, places in used.items() if sid not in defined}
    assert not undefined, f"source ids cited but not defined in SOURCES.md: {undefined}"


def test_no_source_id_defined_twice() -> None:
    ids = defined_ids(SHANXI)
    twice = sorted({sid for sid in ids if ids.count(sid) > 1})
    assert not twice, f"defined more than once in SOURCES.md: {twice}"


def test_values_section_is_up_to_date() -> None:
    text = (SHANXI / "SOURCES.md").read_text(encoding="utf-8")
    assert values_table(SHANXI) in text
    assert is_up_to_date(SHANXI), "run: python -m energysim.inputs.sources inputs/shanxi"


def test_values_table_lists_every_number() -> None:
    lines = values_table(SHANXI).splitlines()
    expected = []
    for path in sorted(SHANXI.glob("*.csv")):
        if path.name in ("hourly_profiles.csv", "technologies.csv", "calibration.csv"):
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = ".".join(
                    v
                    for k, v in row.items()
                    if k not in ("value", "unit", "source", "year", "confidence")
                )
                cells = (
                    path.name,
                    key,
                    row.get("year", ""),
                    row["value"],
                    row["unit"],
                    row["source"],
                )
                expected.append("| " + " | ".join(cells) + " |")
    assert lines[2 : 2 + len(expected)] == expected
    assert lines[2 + len(expected)] == ""
    assert "hourly_profiles.csv" in lines[-1] and "make_profiles.py" in lines[-1]


def test_update_values_section_and_check(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = tmp_path / "shanxi"
    shutil.copytree(SHANXI, folder)
    assert main([str(folder), "--check"]) == 0
    _edit_row(folder, "fuels.csv", lambda r: True, value="1.25")
    assert main([str(folder), "--check"]) == 1
    assert "stale" in capsys.readouterr().out
    assert update_values_section(folder) is True
    assert update_values_section(folder) is False
    assert main([str(folder), "--check"]) == 0
    assert "| fuels.csv |" in (folder / "SOURCES.md").read_text(encoding="utf-8")
    assert not list(folder.glob(".SOURCES.*")), "temporary file left behind"


def test_numeric_variables_have_units(dataset: xr.Dataset) -> None:
    missing = [
        name
        for name, variable in dataset.data_vars.items()
        if name not in NON_NUMERIC
        and name not in INDEX_VARIABLES
        and np.issubdtype(variable.dtype, np.number)
        and variable.dtype != bool
        and not variable.attrs.get("units")
    ]
    assert not missing, f"numeric variables without a units attr: {missing}"


def test_existing_capacity_matches_2020_total(dataset: xr.Dataset) -> None:
    assert dataset["existing_capacity"].attrs["units"] == "GW"
    power = dataset["kind"] != "boiler"  # heat-only boilers are GW_th, not power capacity
    total = float(dataset["existing_capacity"].where(power).sum())
    assert total == pytest.approx(103.8, rel=0.03)


def test_slice_weights_sum_to_a_year(dataset: xr.Dataset) -> None:
    assert float(dataset["slice_weight"].sum()) == pytest.approx(8760.0, abs=1e-9)


@pytest.mark.parametrize("profile", PROFILES)
def test_seasonal_hours_preserve_annual_energy(dataset: xr.Dataset, profile: str) -> None:
    with (SHANXI / "hourly_profiles.csv").open(encoding="utf-8", newline="") as handle:
        hourly = np.array([float(row[profile]) for row in csv.DictReader(handle)])
    assert hourly.size == 8760
    aggregated = float((dataset["slice_weight"] * dataset[profile]).sum())
    assert aggregated == pytest.approx(hourly.sum(), rel=1e-9)


# --- broken copies of inputs/shanxi -----------------------------------------------------------


def _edit_row(
    folder: Path, file: str, match: Callable[[dict[str, str]], bool], **changes: str
) -> int:
    """Change cells of the first row of `file` that `match` accepts; its line number (header 1)."""
    path = folder / file
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for index, cells in enumerate(rows[1:], start=1):
        if match(dict(zip(header, cells, strict=False))):
            for column, value in changes.items():
                cells[header.index(column)] = value
            with path.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle, lineterminator="\n").writerows(rows)
            return index + 1
    raise AssertionError(f"no matching row in {file}")


def _parameter(name: str) -> Callable[[dict[str, str]], bool]:
    return lambda row: row["parameter"] == name


def _load_problems(folder: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_inputs(folder, YEARS)
    return caught.value.problems


def _assert_located(problems: list[Problem], file: str, line: int, fragment: str) -> None:
    hits = [
        p
        for p in problems
        if Path(p.file).name == file
        and p.line == line
        and (fragment in p.message or fragment in p.path)
    ]
    assert hits, f"no problem at {file}:{line} mentioning {fragment!r} in:\n" + "\n".join(
        map(str, problems)
    )


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "shanxi"
    shutil.copytree(SHANXI, folder)
    return folder


def _value_of(folder: Path, file: str, match: Callable[[dict[str, str]], bool]) -> str:
    with (folder / file).open(encoding="utf-8", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if match(row))["value"]


def test_negative_capex(broken: Path) -> None:
    value = _value_of(broken, "technology_parameters.csv", _parameter("capex"))
    line = _edit_row(broken, "technology_parameters.csv", _parameter("capex"), value=f"-{value}")
    problems = _load_problems(broken)
    _assert_located(problems, "technology_parameters.csv", line, "must not be negative")
    _assert_located(problems, "technology_parameters.csv", line, ".capex")


def test_share_above_one(broken: Path) -> None:
    line = _edit_row(broken, "technology_parameters.csv", _parameter("availability"), value="1.5")
    problems = _load_problems(broken)
    _assert_located(problems, "technology_parameters.csv", line, "share outside [0, 1]")
    _assert_located(problems, "technology_parameters.csv", line, ".availability")


def test_zero_lifetime(broken: Path) -> None:
    line = _edit_row(broken, "technology_parameters.csv", _parameter("lifetime"), value="0")
    problems = _load_problems(broken)
    _assert_located(problems, "technology_parameters.csv", line, "lifetime must be positive")


def test_wrong_unit(broken: Path) -> None:
    line = _edit_row(broken, "technology_parameters.csv", _parameter("capex"), unit="EUR/kW")
    problems = _load_problems(broken)
    _assert_located(problems, "technology_parameters.csv", line, "expected 'CNY/kW'")
    _assert_located(problems, "technology_parameters.csv", line, ".capex")


def test_non_numeric_value(broken: Path) -> None:
    line = _edit_row(broken, "fuels.csv", _parameter("price"), value="cheap")
    _assert_located(_load_problems(broken), "fuels.csv", line, "not a number")


def test_unknown_source_id_format(broken: Path) -> None:
    line = _edit_row(broken, "fuels.csv", _parameter("price"), source="X1")
    _assert_located(_load_problems(broken), "fuels.csv", line, "source id")


def test_unknown_technology(broken: Path) -> None:
    line = _edit_row(
        broken, "technology_parameters.csv", lambda row: True, technology="fusion_reactor"
    )
    problems = _load_problems(broken)
    _assert_located(problems, "technology_parameters.csv", line, "unknown technology")
    _assert_located(problems, "technology_parameters.csv", line, "fusion_reactor")


def test_duplicate_row(broken: Path) -> None:
    path = broken / "fuels.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, lines[1])  # the first data row (line 2) again as line 3
    path.write_text("".join(lines), encoding="utf-8")
    _assert_located(_load_problems(broken), "fuels.csv", 3, "duplicate row (first at line 2)")


def test_hourly_profiles_row_removed(broken: Path) -> None:
    path = broken / "hourly_profiles.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[100]
    path.write_text("".join(lines), encoding="utf-8")
    _assert_located(_load_problems(broken), "hourly_profiles.csv", 1, "8760")


def test_missing_required_table(broken: Path) -> None:
    (broken / "fuels.csv").unlink()
    _assert_located(_load_problems(broken), "fuels.csv", 1, "missing")


# --- issue 16: missing tables, duplicates, encodings, located cells ---------------------------


@pytest.mark.parametrize(
    ("removed", "named", "fragment"),
    [
        ("coal_supply.csv", "coal_supply.csv", "raw_coal_output"),
        ("corridors.csv", "corridors.csv", "electricity_exported"),
        ("base_year.csv", "base_year.csv", "raw_coal_output"),
        ("exogenous_demand.csv", "exogenous_demand.csv", "required input table is missing"),
        ("final_energy.csv", "final_energy.csv", "final_energy_parameters.csv needs it"),
        ("existing_capacity.csv", "existing_capacity.csv", "installed_capacity"),
    ],
)
def test_missing_table_is_named_not_read_as_zeros(
    broken: Path, removed: str, named: str, fragment: str
) -> None:
    """Without the table the model would report 0 Mt coal, 0 TWh exports, an unpinned 2020
    or an infeasible run naming no file; the loader names the table instead."""
    (broken / removed).unlink()
    _assert_located(_load_problems(broken), named, 1, fragment)


def test_both_final_energy_tables_missing_need_a_demand(broken: Path) -> None:
    (broken / "final_energy.csv").unlink()
    (broken / "final_energy_parameters.csv").unlink()
    _assert_located(_load_problems(broken), "final_energy.csv", 1, "electricity demand")


def test_duplicate_existing_capacity_row_is_refused_not_added(broken: Path) -> None:
    path = broken / "existing_capacity.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, lines[1])
    path.write_text("".join(lines), encoding="utf-8")
    _assert_located(
        _load_problems(broken), "existing_capacity.csv", 3, "duplicate row (first at line 2)"
    )


def test_duplicate_technology_is_refused_at_its_line(broken: Path) -> None:
    path = broken / "technologies.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.append(lines[3])
    path.write_text("".join(lines), encoding="utf-8")
    _assert_located(_load_problems(broken), "technologies.csv", len(lines), "duplicate technology")


@pytest.mark.parametrize("value", ["1e308", "inf", "nan", "-1e300"])
def test_huge_or_infinite_value_is_refused(broken: Path, value: str) -> None:
    line = _edit_row(broken, "technology_parameters.csv", _parameter("capex"), value=value)
    _assert_located(_load_problems(broken), "technology_parameters.csv", line, "finite")


def test_utf8_bom_is_accepted(broken: Path, dataset: xr.Dataset) -> None:
    for name in ("technologies.csv", "technology_parameters.csv", "hourly_profiles.csv"):
        path = broken / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    loaded = load_inputs(broken, YEARS)
    assert list(loaded.technology.values) == list(dataset.technology.values)
    xr.testing.assert_equal(loaded["capex"], dataset["capex"])


@pytest.mark.parametrize("name", ["fuels.csv", "technologies.csv", "hourly_profiles.csv"])
def test_gbk_table_is_refused_with_the_fix(broken: Path, name: str) -> None:
    path = broken / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + ",山西\n" if name != "hourly_profiles.csv" else lines[2]
    text = "".join(lines)
    if name == "hourly_profiles.csv":
        text = text.replace("hour,", "山西小时,", 1)
    path.write_bytes(text.encode("gbk"))
    problems = _load_problems(broken)
    hit = next(p for p in problems if Path(p.file).name == name)
    assert "GBK" in hit.message and "save it as UTF-8" in hit.message
    assert hit.line == (1 if name == "hourly_profiles.csv" else 3)


def test_bad_cell_deep_in_hourly_profiles_is_located(broken: Path) -> None:
    path = broken / "hourly_profiles.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[5000].rstrip("\n").split(",")  # line 5001
    cells[6] = "n/a"  # column 7
    lines[5000] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    problems = _load_problems(broken)
    assert [(p.line, p.column) for p in problems] == [(5001, 7)]
    assert "not a number" in problems[0].message


def test_short_row_in_hourly_profiles_is_located(broken: Path) -> None:
    path = broken / "hourly_profiles.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1234] = ",".join(lines[1234].split(",")[:4]) + "\n"  # line 1235
    path.write_text("".join(lines), encoding="utf-8")
    _assert_located(_load_problems(broken), "hourly_profiles.csv", 1235, "row has 4 cells")


def test_short_row_in_long_table_is_located(broken: Path) -> None:
    path = broken / "fuels.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = ",".join(lines[3].split(",")[:2]) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    _assert_located(_load_problems(broken), "fuels.csv", 4, "row has 2 cells")
