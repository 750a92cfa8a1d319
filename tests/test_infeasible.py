"""Infeasible scenarios explained in the planner's terms, and the stress mode.

Three crafted scenarios (tests/fixtures/infeasible/) each collide with one input: coal output
above the mine capacity, a CO2 cap below the emissions no plan can avoid, exports above what the
corridors can be expanded to. They run on the Shanxi inputs with 16 explicit slices so the
many solves stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyomo.environ as pyo
import pytest
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.cli.run import with_stress
from energysim.inputs import load_inputs, scenario_inputs
from energysim.model.build import build_model
from energysim.model.data import prepare
from energysim.model.policy import TARGET_FAMILIES
from energysim.scenario import load_scenario
from energysim.solve import diagnose as diagnose_module
from energysim.solve.diagnose import diagnose, find_iis
from energysim.solve.highs import Status, solve
from energysim.solve.screening import co2_floor, impossible_targets
from tests.helpers import ROOT, coarse_inputs

FIXTURES = ROOT / "tests" / "fixtures" / "infeasible"


@dataclass(frozen=True)
class Case:
    file: str
    key: str  # the scenario key, as screening names it
    line: int  # where the file sets it
    target_row: str
    target_text: str
    screening_input: str  # the input screening names
    iis_families: frozenset[str]  # the input-made rows of the IIS
    value: float
    sense: int  # +1 for a minimum, -1 for a maximum/cap
    stress: tuple[str, ...] = ()  # overrides for the stress run


CASES = [
    Case(
        "coal_above_mines.yaml",
        "targets.coal_output.2025.min",
        5,
        "coal_output_min[2025]",
        "targets.coal_output.2025.min = 1600 Mt",
        "coal_supply.csv mine_capacity",
        frozenset({"coal_mine_capacity"}),
        1600.0,
        +1,
    ),
    Case(
        "co2_below_must_run.yaml",
        "targets.co2_cap.2025",
        6,
        "co2_cap[2025]",
        "targets.co2_cap.2025 = 150 Mt CO2",
        "process_emissions.csv",
        frozenset({"final_switch_down", "co2_definition"}),
        150.0,
        -1,
        # above the value of lost load per t CO2, so the stress run sheds load as the hard
        # model may; at the default 5,000 CNY/t it rather misses the cap than black out
        ("stress.penalty.co2_cap=1e6",),
    ),
    Case(
        "exports_above_corridors.yaml",
        "targets.export_capacity.2025.min",
        5,
        "export_capacity_min[2025]",
        "targets.export_capacity.2025.min = 70 GW",
        "corridors.csv max_capacity",
        frozenset({"corridor_capacity_max"}),
        70.0,
        +1,
    ),
]
IDS = [c.file.removesuffix(".yaml") for c in CASES]


@pytest.fixture(scope="module")
def inputs_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return coarse_inputs(tmp_path_factory.mktemp("coarse") / "shanxi")


def _load(file: str, inputs_folder: Path, *overrides: str):
    scenario = load_scenario(FIXTURES / file, [f"inputs={inputs_folder}", *overrides])
    inputs = scenario_inputs(scenario)
    return scenario, inputs


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_screening_names_the_target_line_and_input(case: Case, inputs_folder: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(FIXTURES / case.file),
            "--set",
            f"inputs={inputs_folder}",
            "--out",
            str(inputs_folder.parent / "screened.nc"),
        ],
    )
    assert result.exit_code == 3, result.output
    assert f"{case.file}:{case.line}:" in result.output
    assert case.key in result.output and case.screening_input in result.output
    assert "Traceback" not in result.output
    assert not (inputs_folder.parent / "screened.nc").exists()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_iis_names_exactly_the_colliding_target_and_inputs(case: Case, inputs_folder: Path) -> None:
    scenario, inputs = _load(case.file, inputs_folder)
    model, data = build_model(scenario, inputs)
    assert solve(model, scenario.solver).status is Status.INFEASIBLE
    diagnosis = find_iis(model, data, time_limit=60)
    assert diagnosis.status == "infeasible"
    assert [c.text for c in diagnosis.culprits if c.is_target] == [case.target_text]
    assert {c.family for c in diagnosis.culprits if not c.is_target} == case.iis_families
    assert case.target_text in diagnosis.report()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_stress_mode_misses_the_target_by_the_least_it_must(
    case: Case, inputs_folder: Path
) -> None:
    """The violation is the smallest possible: the hard model with the target moved by the
    violation solves, and moved by 99 % of it does not."""
    scenario, inputs = _load(case.file, inputs_folder, *case.stress)
    model, data = build_model(with_stress(scenario), inputs)
    result = solve(model, scenario.solver)
    assert result.status is Status.OPTIMAL
    violation = pyo.value(model.target_violation[case.target_row.split("[")[0], 2025])
    assert violation > 1e-3

    def hard(value: float) -> Status:
        s, i = _load(case.file, inputs_folder, f"{case.key}={value}")
        m, _ = build_model(s, i)
        return solve(m, s.solver).status

    assert hard(case.value - case.sense * violation * (1 + 1e-6) - case.sense * 1e-6) is (
        Status.OPTIMAL
    )
    assert hard(case.value - case.sense * violation * 0.99) is Status.INFEASIBLE
    # A missed target's marginal cost is its penalty (per unit, discounted over the period).
    family = case.target_row.split("[")[0]
    target, factor = TARGET_FAMILIES[family]
    dual = result.duals[getattr(model, family)[2025]] * 1e9
    penalty = scenario.stress.penalty_of(target) * factor * data.discount_factor[2025]
    assert abs(abs(dual) - penalty) <= 1e-6 * penalty


def test_co2_floor_is_a_lower_bound(inputs_folder: Path) -> None:
    """The CO2 the stress solution cannot avoid is at least the screening floor."""
    scenario, inputs = _load("co2_below_must_run.yaml", inputs_folder)
    model, data = build_model(with_stress(scenario), inputs)
    assert solve(model, scenario.solver).status is Status.OPTIMAL
    floor, parts = co2_floor(data, 2025)
    assert floor == pytest.approx(sum(parts.values()))
    assert parts["process"] > 0 and parts["final"] > 0
    assert parts["heat"] == 0  # electric boilers and heat pumps can supply heat without fuel
    assert pyo.value(model.co2[2025]) >= floor - 1e-6


def test_cli_diagnoses_what_screening_cannot_see(inputs_folder: Path, tmp_path: Path) -> None:
    """A cap above the screening floor but below what the system can reach: the IIS names it,
    the run log keeps the diagnosis, no results file is written, exit 3."""
    out = tmp_path / "short.nc"
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(FIXTURES / "short.yaml"),
            "--set",
            f"inputs={inputs_folder}",
            "--set",
            "targets.co2_cap.2025=198",  # floor 196.6 (heat can be electric); reachable ~199
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 3, result.output
    assert "targets.co2_cap.2025 = 198 Mt CO2" in result.output
    assert "irreducible infeasible subset" in result.output
    assert not out.exists()
    log = out.with_suffix(".log").read_text()
    assert "targets.co2_cap.2025 = 198 Mt CO2" in log and "infeasible" in log


def test_cli_stress_always_answers(inputs_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "stressed.nc"
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(FIXTURES / "coal_above_mines.yaml"),
            "--set",
            f"inputs={inputs_folder}",
            "--stress",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "coal_output_min[2025]" in result.output and "missed" in result.output
    from energysim.results.netcdf import read_netcdf

    ds = read_netcdf(out)
    missed = float(ds["target_violation"].sel(target="coal_output_min[2025]"))
    assert missed == pytest.approx(1600.0 - float(ds["coal_output"].sel(year=2025)), abs=1e-6)
    assert ds.attrs["stress_mode"] == 1


def test_feasible_scenario_iis_says_feasible(inputs_folder: Path) -> None:
    scenario, inputs = _load("short.yaml", inputs_folder)
    model, data = build_model(scenario, inputs)
    diagnosis = find_iis(model, data)
    assert diagnosis.status == "feasible" and diagnosis.culprits == []
    assert diagnosis.report() == "feasible"


def test_presolve_misreport_is_caught(inputs_folder: Path) -> None:
    """A model that HiGHS reported infeasible but solves without presolve gives its solution."""
    scenario, inputs = _load("short.yaml", inputs_folder)
    model, data = build_model(scenario, inputs)
    diagnosis = diagnose(model, data, scenario.solver)
    assert diagnosis.status == "feasible" and diagnosis.method == "presolve"
    assert diagnosis.solution is not None and diagnosis.solution.status is Status.OPTIMAL
    assert diagnosis.solution.options["presolve"] == "off"


def test_elastic_fallback_when_no_iis(inputs_folder: Path, monkeypatch) -> None:
    """No IIS in time: the stress solve names the missed targets, largest penalty first."""
    monkeypatch.setattr(diagnose_module, "_iis", lambda *args: [])
    scenario, inputs = _load("exports_above_corridors.yaml", inputs_folder)
    model, data = build_model(scenario, inputs)

    def elastic():
        soft, _ = build_model(with_stress(scenario), inputs)
        return soft, solve(soft, scenario.solver)

    diagnosis = diagnose(model, data, scenario.solver, elastic=elastic)
    assert diagnosis.method == "elastic"
    assert [c.family for c in diagnosis.culprits] == ["export_capacity_min"]
    assert "missed by 5.7 GW" in diagnosis.culprits[0].text  # 70 - 64.3 expandable


def test_screening_finds_nothing_in_feasible_scenarios(inputs_folder: Path) -> None:
    for file in ("short.yaml",):
        scenario, inputs = _load(file, inputs_folder)
        assert impossible_targets(prepare(scenario, inputs)) == []


@pytest.mark.parametrize("time", ["seasonal_hours", "representative_days"])
def test_every_constraint_family_has_a_meaning(time: str) -> None:
    """A new constraint family cannot reach a planner as a bare name in a diagnosis."""
    scenario = load_scenario(
        ROOT / "tests" / "fixtures" / "snapshot.yaml",
        [f"time.resolution={time}", *(["time.days=2"] if time != "seasonal_hours" else [])],
    )
    inputs = load_inputs(scenario.inputs, scenario.years, time, scenario.time.days)
    model, _ = build_model(scenario, inputs)
    families = {c.local_name for c in model.component_objects(pyo.Constraint)}
    unexplained = families - set(diagnose_module.ROW_MEANING) - set(TARGET_FAMILIES)
    assert not unexplained


def test_iis_search_is_stopped_at_its_time_limit(inputs_folder: Path, monkeypatch) -> None:
    """HiGHS's getIis ignored its time limit for 19 minutes on the plan case; the search runs
    in a child that is killed at the limit, and the elastic solve answers instead. Here the
    child never answers (it sleeps), so only the kill can end it."""
    import sys
    import time

    from energysim.solve import iis_child

    def sleeper(*_args) -> list[str]:
        return [sys.executable, "-c", "import time; time.sleep(600)"]

    monkeypatch.setattr(iis_child, "child_command", sleeper)
    monkeypatch.setattr(diagnose_module, "MIN_IIS_SECONDS", 1.0)
    scenario, inputs = _load("exports_above_corridors.yaml", inputs_folder)
    model, data = build_model(scenario, inputs)
    started = time.perf_counter()
    assert find_iis(model, data, time_limit=1.0).culprits == []
    assert time.perf_counter() - started < 1.0 + iis_child.GRACE + 10.0  # generous margin

    def elastic():
        soft, _ = build_model(with_stress(scenario), inputs)
        return soft, solve(soft, scenario.solver)

    diagnosis = diagnose(model, data, scenario.solver, elastic=elastic, time_limit=2.0)
    assert diagnosis.method == "elastic"
    assert [c.family for c in diagnosis.culprits] == ["export_capacity_min"]
    assert diagnosis.seconds < 2.0 + iis_child.GRACE + 30.0
