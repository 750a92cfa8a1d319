"""Myopic foresight: window = all years is the perfect-foresight LP; smaller windows are never
cheaper than perfect foresight, their stitched solution satisfies every constraint of the full
LP, and the past is handed forward unchanged."""

from __future__ import annotations

import highspy
import pyomo.environ as pyo
import pytest
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.errors import InputError
from energysim.inputs import scenario_inputs
from energysim.model.build import build_model
from energysim.results.netcdf import read_netcdf
from energysim.scenario import load_scenario
from energysim.solve import direct, foresight
from energysim.solve.foresight import myopic_start, solve_myopic, windows_of
from energysim.solve.highs import Status, solve, starts_myopic
from tests.helpers import ROOT, max_residual

PLAN = ROOT / "scenarios" / "shanxi-14fyp.yaml"
# The plan case made feasible: CBM at the reachable 20 bcm and the 40 % electricity share read
# on the coal-equivalent method (on the calorific method it cannot be met, see README).
SMALL = (
    "targets.cbm_output_min.2025=20",
    "targets.electricity_share_final.method=coal_equivalent",
    "years=[2020, 2025, 2030, 2035]",
    "time.resolution=seasonal_hours",  # the properties hold for any slices; these solve fast
)
RTOL = 1e-7  # HiGHS's optimality tolerances, relative to the objective


@pytest.fixture(scope="module")
def plan():
    scenario = load_scenario(PLAN, list(SMALL))
    inputs = scenario_inputs(scenario)
    model, _ = build_model(scenario, inputs)
    perfect = solve(model, scenario.solver)
    assert perfect.status is Status.OPTIMAL
    capacity = {k: pyo.value(v) for k, v in model.capacity.items()}
    return scenario, inputs, perfect.objective, capacity


def myopic(plan, window: int):
    scenario, inputs, _, _ = plan
    model, data = build_model(scenario, inputs)
    return model, solve_myopic(model, data, scenario.solver, window)


def test_windows_cover_the_years_in_order() -> None:
    assert windows_of([2020, 2025, 2030], 2) == [(2020, 2025), (2030,)]
    assert windows_of([2020, 2025, 2030], 5) == [(2020, 2025, 2030)]


def test_one_window_over_all_years_is_perfect_foresight(plan) -> None:
    _, _, objective, capacity = plan
    model, outcome = myopic(plan, window=4)
    assert [w.years for w in outcome.windows] == [(2020, 2025, 2030, 2035)]
    assert outcome.result.status is Status.OPTIMAL
    assert outcome.result.objective == pytest.approx(objective, rel=1e-9, abs=1e-9)
    for key, value in capacity.items():
        assert pyo.value(model.capacity[key]) == pytest.approx(value, abs=1e-5)


@pytest.mark.parametrize("window", [1, 2])
def test_myopic_is_feasible_and_never_cheaper_than_perfect_foresight(plan, window) -> None:
    _, _, objective, _ = plan
    model, outcome = myopic(plan, window)
    assert outcome.result.status is Status.OPTIMAL
    assert len(outcome.windows) == -(-4 // window)
    # the stitched solution satisfies every constraint of the perfect-foresight LP ...
    assert max_residual(model) < 1e-5
    # ... so it cannot cost less than its optimum; with one-year windows it costs more
    assert outcome.result.objective >= objective - RTOL * abs(objective)
    if window == 1:
        assert outcome.result.objective > objective + 1e-4 * abs(objective)


def test_each_window_keeps_what_the_earlier_ones_decided() -> None:
    """The years before a window are fixed and the later ones unseen: the first two one-year
    windows of a three-year run decide what a run over those two years alone decides."""
    runs = {}
    for years in ("[2020, 2025, 2030]", "[2020, 2025]"):
        scenario = load_scenario(ROOT / "scenarios" / "base.yaml", [f"years={years}"])
        inputs = scenario_inputs(scenario)
        model, data = build_model(scenario, inputs)
        assert solve_myopic(model, data, scenario.solver, 1).result.status is Status.OPTIMAL
        runs[years] = model
    long, short = runs.values()
    built = 0.0
    for t in long.technologies:
        for y in (2020, 2025):
            value = pyo.value(long.new_capacity[t, y])
            assert value == pytest.approx(pyo.value(short.new_capacity[t, y]), abs=1e-5)
            built += value
    assert built > 1.0  # something is built, so the comparison is not vacuous


def test_window_is_only_for_myopic_foresight() -> None:
    with pytest.raises(InputError, match="only used with mode myopic"):
        load_scenario(PLAN, ["foresight.window=2"])
    scenario = load_scenario(PLAN, ["foresight.mode=myopic"])
    assert scenario.foresight.years_per_window == 1


def test_cli_run_with_myopic_foresight(tmp_path) -> None:
    out = tmp_path / "myopic.nc"
    args = ["run", str(PLAN), "--out", str(out), "--set", "foresight={mode: myopic, window: 2}"]
    for override in SMALL:
        args += ["--set", override]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "window 2020-2025" in result.output and "window 2030-2035" in result.output
    ds = read_netcdf(out)
    assert "myopic, window 2" in ds.attrs["solver_options"]


def test_perfect_foresight_from_the_myopic_basis_reaches_the_same_optimum(plan) -> None:
    """`solver.start: choose` on a 4-year pathway starts simplex from the stitched basis of the
    one-year windows: the same optimum as the cold start of the fixture, all rows satisfied."""
    scenario, inputs, objective, capacity = plan
    model, data = build_model(scenario, inputs)
    warm = solve(model, scenario.solver, data=data)
    assert warm.status is Status.OPTIMAL
    assert warm.options["start"] == "myopic basis" and warm.options["solver"] == "simplex"
    assert warm.objective == pytest.approx(objective, rel=1e-9, abs=1e-9)
    assert max_residual(model) < 1e-6
    for key, value in capacity.items():
        assert pyo.value(model.capacity[key]) == pytest.approx(value, abs=1e-5)


def test_the_myopic_basis_saves_most_simplex_iterations(plan) -> None:
    """The stitched basis is one HiGHS accepts and builds on: from it, simplex needs well under
    half the iterations of a cold start (with or without presolve)."""
    scenario, inputs, objective, _ = plan
    model, data = build_model(scenario, inputs)
    lp = direct.compile_lp(model)
    options = {"solver": "simplex", "output_flag": False}
    iterations = {}
    for start in ("cold", "cold, no presolve", "myopic"):
        highs = direct.highs_from_arrays(
            lp, {**options, "presolve": "off" if "no" in start else "on"}
        )
        if start == "myopic":
            basis = myopic_start(model, data, lp, options, tee=False)
            assert highs.setBasis(basis) == highspy.HighsStatus.kOk
        highs.run()
        assert highs.getInfo().objective_function_value == pytest.approx(objective, rel=1e-9)
        iterations[start] = highs.getInfo().simplex_iteration_count
    assert iterations["myopic"] < 0.5 * min(iterations["cold"], iterations["cold, no presolve"])


def test_a_window_that_fails_leaves_a_cold_start(plan, monkeypatch) -> None:
    """The basis is only a hint: a window that cannot be solved means a cold start, not a
    failed run."""
    scenario, inputs, objective, _ = plan
    model, data = build_model(scenario, inputs)
    monkeypatch.setattr(foresight, "myopic_start", lambda *args, **kwargs: None)
    result = solve(model, scenario.solver, data=data)
    assert result.status is Status.OPTIMAL and result.options["start"] == "cold"
    assert result.objective == pytest.approx(objective, rel=1e-9, abs=1e-9)


def test_windows_without_a_basis_leave_a_cold_start(plan, monkeypatch) -> None:
    """A window solved by an interior point method without crossover has no basis to give:
    a partial basis would be worse than none, so the start yields None."""
    scenario, inputs, _, _ = plan
    model, data = build_model(scenario, inputs)
    lp = direct.compile_lp(model)
    whole = len(lp.row_lower)

    def ipm_for_windows(options: dict, rows: int) -> dict:
        return {**options, "solver": "ipx", "run_crossover": "off"} if rows < whole else options

    monkeypatch.setattr(direct, "chosen_method", ipm_for_windows)
    assert myopic_start(model, data, lp, {"output_flag": False}, tee=False) is None


def test_run_says_when_the_myopic_start_found_no_basis(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(foresight, "myopic_start", lambda *args, **kwargs: None)
    args = ["run", str(PLAN), "--out", str(tmp_path / "cold.nc")]
    for override in SMALL:
        args += ["--set", override]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "the myopic start found no basis" in result.output


def test_start_choose_stays_cold_on_one_year_and_for_interior_point() -> None:
    settings = load_scenario(PLAN).solver
    assert starts_myopic(settings, 9) and starts_myopic(settings, 2)
    assert not starts_myopic(settings, 1)
    assert not starts_myopic(settings.model_copy(update={"method": "hipo"}), 9)
    assert not starts_myopic(settings.model_copy(update={"start": "cold"}), 9)
    assert starts_myopic(settings.model_copy(update={"start": "myopic"}), 1)
    with pytest.raises(InputError, match=r"solver.*method hipo has none"):
        load_scenario(PLAN, ["solver.method=hipo", "solver.start=myopic"])
