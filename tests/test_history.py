"""History in the project: history.csv read and located, the back-cast's errors, MAPE and sign,
and `energysim backcast` end to end on a short case."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.errors import InputError
from energysim.inputs import load_inputs
from energysim.inputs.history import Statistic as S
from energysim.inputs.history import history_dataset, read_history
from energysim.results.history import accuracy_table, add_history
from energysim.results.netcdf import read_netcdf
from tests.helpers import ROOT

SHANXI = ROOT / "inputs" / "shanxi"
BACKCAST = str(ROOT / "scenarios" / "backcast-2021-2025.yaml")


def _results(coal: list[float], co2: list[float], years: list[int]) -> xr.Dataset:
    return xr.Dataset(
        {"coal_output": ("year", coal), "co2_emissions": ("year", co2)}, coords={"year": years}
    )


def test_errors_mape_and_sign_on_a_crafted_case() -> None:
    years = [2020, 2021, 2022]
    statistics = [
        S("raw_coal_output", 2020, 100.0, "Mt", "S01", "high"),
        S("raw_coal_output", 2021, 110.0, "Mt", "S01", "high"),
        S("raw_coal_output", 2022, 120.0, "Mt", "S01", "estimate"),
        S("co2_emissions", 2020, 50.0, "Mt CO2", "S19", "high"),
        S("co2_emissions", 2022, 40.0, "Mt CO2", "S19", "high"),
        S("made_up_series", 2021, 1.0, "GW", "A01", "low"),
    ]
    inputs = history_dataset(statistics, [("raw_coal_output", 2021)], years)
    ds = add_history(_results([100.0, 121.0, 108.0], [50.0, 55.0, 60.0], years), inputs)
    coal = ds.sel(statistic="raw_coal_output")
    np.testing.assert_allclose(coal["history_error"].values, [0.0, 10.0, -10.0])
    # 2021 is in-sample (tuned on), 2022 out of sample; the base year is never scored.
    np.testing.assert_allclose(coal["history_mape"].values, [10.0, 10.0, 10.0])
    assert float(coal["history_sign_match"]) == 1.0  # 100 -> 108 and 100 -> 120: both up
    co2 = ds.sel(statistic="co2_emissions")
    assert np.isnan(float(co2["history_error"].sel(year=2021)))
    assert float(co2["history_error"].sel(year=2022)) == pytest.approx(50.0)
    assert float(co2["history_sign_match"]) == 0.0  # model rises, statistic falls
    assert np.isnan(float(co2["history_mape"].sel(history_sample="in_sample")))
    assert ds.attrs["history_without_counterpart"] == "made_up_series"
    table = accuracy_table(ds)
    assert "WRONG" in table and "made_up_series" in table


def test_a_held_statistic_is_shown_but_not_scored() -> None:
    years = [2020, 2021]
    statistics = [
        S("raw_coal_output", y, v, "Mt", "S01", "high") for y, v in ((2020, 10), (2021, 20))
    ]
    inputs = history_dataset(statistics, [], years)
    ds = add_history(_results([10.0, 30.0], [1.0, 1.0], years), inputs, [("raw_coal_output", 2021)])
    coal = ds.sel(statistic="raw_coal_output")
    assert bool(coal["history_fixed"].sel(year=2021))
    assert np.isnan(coal["history_mape"].values).all()


def _broken_history(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    folder = tmp_path / "shanxi"
    shutil.copytree(SHANXI, folder)
    path = folder / "history.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.startswith(old))
    lines[line - 1] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, line


@pytest.mark.parametrize(
    ("new", "column", "message"),
    [
        ("capacity_wind,2021,21.23,MW,S05,high", 4, "wrong unit"),
        ("capacity_wind,2021,21.23,GW,S05,sure", 6, "confidence"),
        ("capacity_wind,2021,lots,GW,S05,high", 3, "not a number"),
        ("capacity_wind,,21.23,GW,S05,high", 2, "needs its year"),
    ],
)
def test_history_errors_are_located(tmp_path: Path, new: str, column: int, message: str) -> None:
    folder, line = _broken_history(tmp_path, "capacity_wind,2021,", new)
    with pytest.raises(InputError) as err:
        load_inputs(folder, [2020, 2021])
    text = err.value.report()
    assert f"history.csv:{line}:{column}" in text and message in text


def test_a_duplicated_statistic_is_refused(tmp_path: Path) -> None:
    folder, line = _broken_history(
        tmp_path, "capacity_wind,2022,", "capacity_wind,2021,2,GW,S05,high"
    )
    with pytest.raises(InputError, match=f"history.csv:{line}:.*duplicate"):
        load_inputs(folder, [2020, 2021])


def test_every_history_row_is_read() -> None:
    problems: list = []
    rows = read_history(SHANXI, problems)
    assert not problems
    with (SHANXI / "history.csv").open(encoding="utf-8") as handle:
        assert len(rows) == sum(1 for line in handle if line.strip()) - 1


def test_backcast_command_on_a_short_case(tmp_path: Path) -> None:
    out = tmp_path / "bc.nc"
    result = CliRunner().invoke(
        app, ["backcast", BACKCAST, "--set", "years=[2020, 2021, 2022]", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "MAPE" in result.output and "capacity_wind" in result.output
    ds = read_netcdf(out)
    assert "electricity_exported: 2021" in ds.attrs["history_fixed"]
    for name in (
        "capacity",
        "generation",
        "electricity_consumption",
        "cbm_output",
        "co2_emissions",
    ):
        assert set(ds[name].year.values.tolist()) == {2020, 2021, 2022}
    exported = ds.sel(statistic="electricity_exported")
    assert float(exported["history_model"].sel(year=2022)) == pytest.approx(146.4, rel=1e-6)
    assert bool(exported["history_fixed"].sel(year=2022))
    wind = ds.sel(statistic="capacity_wind")
    assert float(wind["history"].sel(year=2021)) == pytest.approx(21.23)
    assert not bool(wind["history_fixed"].sel(year=2021))  # capacity stays the model's decision
    assert "generation_solar_above_size" in ds.attrs["history_without_counterpart"]
