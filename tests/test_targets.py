"""Every policy target binds when set tighter than the unconstrained pathway, with a dual of the
right sign (minimisation: a binding minimum has a dual >= 0, a binding maximum or cap <= 0).

The free pathway (base.yaml on 2020/2025/2030, no targets) is solved once; each case sets one
target strictly tighter than the value the free run chose and checks that the solve is optimal,
that the target holds with equality (it binds), that its shadow price has the right sign and is
not zero, and that the discounted system cost rose. A finite difference checks the shadow price's
unit (CNY per unit of the target). A target far from the free value must have a zero shadow
price and leave the cost unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
import xarray as xr
import yaml

from energysim.inputs import scenario_inputs
from energysim.model.build import build_model
from energysim.results.extract import to_dataset
from energysim.scenario import load_scenario
from energysim.solve.highs import Status, solve

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "scenarios" / "base.yaml"
YEARS = [2020, 2025, 2030]

RTOL = 1e-6  # the target holds (and binds) within this relative tolerance
DUAL_NONZERO = 1e3  # CNY (discounted) per unit of the target: clearly not solver noise
DUAL_ZERO = 1.0  # CNY per unit: a slack target's shadow price is zero up to solver noise
COST_RISE = 1e-6  # bn CNY: the least rise of the objective counted as "tightening costs money"
FD_STEP = 1e-4  # relative step of the bound for the finite-difference check of the shadow price
FD_RTOL = 1e-2

# Constants of the Shanxi inputs the cases must respect (checked against the free run below).
MINE_CAPACITY_2025 = 1560.0  # Mt
EXISTING_EXPORT_CAPACITY = 38.3  # GW, cannot be retired
GAS_2020 = 8.146  # bcm; output may grow at most 20 %/yr


@dataclass
class Run:
    """One solved scenario: the objective (bn CNY, discounted) and the results dataset."""

    objective: float
    ds: xr.Dataset

    def value(self, name: str, year: int, **where: str) -> float:
        return float(self.ds[name].sel({"year": year, **where}))

    def dual(self, target: str) -> float:
        assert target in self.ds["target"].values, list(self.ds["target"].values)
        return float(self.ds["target_shadow_price"].sel(target=target))

    def co2_budget_used(self, start: int, end: int) -> float:
        """Cumulative CO2 as energysim/model/policy.py defines it: the years start <= y < end
        weighted by their period length, plus the end year once (Mt CO2)."""
        co2 = self.ds["co2_emissions"]
        total = 0.0
        for i, y in enumerate(YEARS):
            if start <= y < end:
                total += float(co2.sel(year=y)) * (YEARS[i + 1] - y)
        return total + float(co2.sel(year=end))


_RUNS: dict[str, Run] = {}  # solved scenarios by their YAML text, shared between tests


def run_scenario(directory: Path, name: str, targets: dict[str, Any]) -> Run:
    """Write a scenario extending base.yaml on YEARS with `targets`, build, solve and extract.

    A scenario already solved in this session (same targets) is not solved again.
    """
    document = {
        "extends": str(BASE),
        "name": "targets",
        "years": YEARS,
        "time": {"resolution": "seasonal_hours"},  # duals on 96 slices: fast, as meaningful
        "targets": targets,
    }
    text = yaml.safe_dump(document, sort_keys=False)
    if text in _RUNS:
        return _RUNS[text]
    path = directory / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    inputs = scenario_inputs(scenario)
    model, data = build_model(scenario, inputs)
    result = solve(model, scenario.solver)
    assert result.status is Status.OPTIMAL, f"{name}: {result.status} ({result.termination})"
    assert result.objective is not None
    _RUNS[text] = Run(result.objective, to_dataset(model, data, result))
    return _RUNS[text]


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("targets")


@pytest.fixture(scope="module")
def free(scenario_dir: Path) -> Run:
    """The unconstrained pathway: no targets at all."""
    run = run_scenario(scenario_dir, "free", {})
    assert run.ds.sizes["target"] == 0
    return run


Sense = Literal["min", "max"]


@dataclass(frozen=True)
class Case:
    """One target set tighter than the free run.

    `bound(free)` is the tight bound, `targets(bound)` the scenario's targets block stating it,
    `achieved(run)` the constrained quantity in the results, compared with the bound.
    """

    constraint: str  # name in ds["target"], e.g. "coal_output_max[2025]"
    sense: Sense
    unit: str
    bound: Callable[[Run], float]
    targets: Callable[[float], dict[str, Any]]
    achieved: Callable[[Run], float]
    precondition: Callable[[Run], bool] = field(default=lambda free: True)


def _share_case(method: str) -> Case:
    return Case(
        "electricity_share_min[2025]",
        "min",
        "share",
        lambda free: free.value("electricity_share_final", 2025, method=method) + 0.01,
        lambda b: {"electricity_share_final": {"method": method, "min": {2025: b}}},
        lambda r: r.value("electricity_share_final", 2025, method=method),
    )


CASES: dict[str, Case] = {
    "coal_output_max": Case(
        "coal_output_max[2025]",
        "max",
        "Mt",
        lambda free: 0.9 * free.value("coal_output", 2025),
        lambda b: {"coal_output": {2025: {"max": b}}},
        lambda r: r.value("coal_output", 2025),
    ),
    "coal_output_min": Case(
        "coal_output_min[2025]",
        "min",
        "Mt",
        lambda free: 1.05 * free.value("coal_output", 2025),
        lambda b: {"coal_output": {2025: {"min": b}}},
        lambda r: r.value("coal_output", 2025),
        precondition=lambda free: 1.05 * free.value("coal_output", 2025) < MINE_CAPACITY_2025,
    ),
    "cbm_output_min": Case(
        "cbm_output_min[2025]",
        "min",
        "bcm",
        lambda free: free.value("cbm_output", 2025) + 0.2,  # free output is at its cheap grades
        lambda b: {"cbm_output_min": {2025: b}},
        lambda r: r.value("cbm_output", 2025),
        precondition=lambda free: free.value("cbm_output", 2025) + 0.2 < GAS_2020 * 1.2**5,
    ),
    "export_capacity_min": Case(
        "export_capacity_min[2025]",
        "min",
        "GW",
        lambda free: free.value("export_capacity", 2025) + 5.0,
        lambda b: {"export_capacity": {2025: {"min": b}}},
        lambda r: r.value("export_capacity", 2025),
    ),
    "export_capacity_max": Case(
        "export_capacity_max[2030]",
        "max",
        "GW",
        lambda free: free.value("export_capacity", 2030) - 0.5,
        lambda b: {"export_capacity": {2030: {"max": b}}},
        lambda r: r.value("export_capacity", 2030),
        precondition=lambda free: (
            free.value("export_capacity", 2030) - 0.5 > EXISTING_EXPORT_CAPACITY
        ),
    ),
    "electricity_share_calorific": _share_case("calorific"),
    "electricity_share_coal_equivalent": _share_case("coal_equivalent"),
    "non_fossil_share_min": Case(
        "non_fossil_share_min[2025]",
        "min",
        "share",
        lambda free: free.value("non_fossil_share", 2025) + 0.03,
        lambda b: {"non_fossil_share_min": {2025: b}},
        lambda r: r.value("non_fossil_share", 2025),
    ),
    "co2_cap": Case(
        "co2_cap[2030]",
        "max",
        "Mt CO2",
        lambda free: 0.9 * free.value("co2_emissions", 2030),
        lambda b: {"co2_cap": {2030: b}},
        lambda r: r.value("co2_emissions", 2030),
    ),
    "co2_budget": Case(
        "co2_budget",
        "max",
        "Mt CO2",
        lambda free: 0.95 * free.co2_budget_used(2020, 2030),
        lambda b: {"co2_budget": {"start": 2020, "end": 2030, "max": b}},
        lambda r: r.co2_budget_used(2020, 2030),
    ),
}


def assert_binds(
    run: Run,
    reference: Run,
    constraint: str,
    sense: Sense,
    achieved: float,
    bound: float,
    scale: float | None = None,
) -> None:
    """The target holds with equality, its dual has the sign of `sense` and is not zero, and the
    objective rose versus `reference`. `scale` sets the tolerance when the bound is zero."""
    tolerance = RTOL * (scale if scale is not None else max(abs(bound), 1.0))
    if sense == "min":
        assert achieved >= bound - tolerance, f"{constraint}: {achieved} < {bound}"
    else:
        assert achieved <= bound + tolerance, f"{constraint}: {achieved} > {bound}"
    assert achieved == pytest.approx(bound, abs=tolerance), f"{constraint} does not bind"
    dual = run.dual(constraint)
    if sense == "min":
        assert dual > DUAL_NONZERO, f"{constraint}: dual {dual:g} of a binding minimum"
    else:
        assert dual < -DUAL_NONZERO, f"{constraint}: dual {dual:g} of a binding maximum"
    assert run.objective > reference.objective + COST_RISE, (
        f"{constraint}: objective {run.objective} did not rise from {reference.objective}"
    )


@pytest.mark.parametrize("case_id", list(CASES))
def test_tight_target_binds_with_signed_dual(case_id: str, free: Run, scenario_dir: Path) -> None:
    case = CASES[case_id]
    assert case.precondition(free), f"{case_id}: the inputs changed, the case is infeasible"
    bound = case.bound(free)
    run = run_scenario(scenario_dir, case_id, case.targets(bound))
    assert list(run.ds["target"].values) == [case.constraint]
    assert run.ds["target_unit"].sel(target=case.constraint).item() == case.unit
    assert_binds(run, free, case.constraint, case.sense, case.achieved(run), bound)


@pytest.mark.parametrize("case_id", list(CASES))
def test_shadow_price_is_cost_per_unit_of_target(
    case_id: str, free: Run, scenario_dir: Path
) -> None:
    """The shadow price (CNY per unit of the target) predicts the cost of a small further
    tightening: delta objective = shadow price x delta bound (an LP stays in its basis)."""
    case = CASES[case_id]
    bound = case.bound(free)
    step = FD_STEP * max(abs(bound), 1.0) * (1.0 if case.sense == "min" else -1.0)
    run = run_scenario(scenario_dir, f"{case_id}-at", case.targets(bound))
    nudged = run_scenario(scenario_dir, f"{case_id}-nudged", case.targets(bound + step))
    predicted = run.dual(case.constraint) * step  # CNY
    actual = (nudged.objective - run.objective) * 1e9  # bn CNY -> CNY
    assert actual == pytest.approx(predicted, rel=FD_RTOL), (
        f"{case.constraint}: shadow price {run.dual(case.constraint):g} CNY/{case.unit} predicts "
        f"{predicted:g} CNY for a step of {step:g}, the objective moved {actual:g} CNY"
    )


def test_co2_peak_binds_with_signed_dual(free: Run, scenario_dir: Path) -> None:
    """The free path already falls after 2020, so a peak target alone cannot bind. A 2025 cap
    below the free 2030 emissions makes CO2 rise again to 2030; a 2025 peak then holds 2030 at
    the 2025 level: co2_peak[2030] binds (co2[2030] <= co2[2025], a maximum)."""
    cap = 0.95 * free.value("co2_emissions", 2030)
    reference = run_scenario(scenario_dir, "peak-reference", {"co2_cap": {2025: cap}})
    rise = reference.value("co2_emissions", 2030) - reference.value("co2_emissions", 2025)
    assert rise > 1.0, f"the reference must rise after 2025 for the peak to bind (got {rise:g})"

    run = run_scenario(scenario_dir, "peak", {"co2_cap": {2025: cap}, "co2_peak_year": 2025})
    assert list(run.ds["target"].values) == ["co2_peak[2030]", "co2_cap[2025]"]
    change = run.value("co2_emissions", 2030) - run.value("co2_emissions", 2025)
    assert_binds(
        run, reference, "co2_peak[2030]", "max", change, 0.0, scale=run.value("co2_emissions", 2025)
    )
    assert run.ds.attrs["co2_peak_year"] in (2020, 2025)
    assert run.dual("co2_cap[2025]") < -DUAL_NONZERO


def test_slack_targets_have_zero_dual(free: Run, scenario_dir: Path) -> None:
    """Targets far from the free values change nothing: zero shadow prices, same cost."""
    targets = {
        "coal_output": {2025: {"max": 1.2 * free.value("coal_output", 2025)}},
        "export_capacity": {2030: {"max": free.value("export_capacity", 2030) + 10.0}},
        "non_fossil_share_min": {2030: free.value("non_fossil_share", 2030) - 0.05},
        "co2_cap": {2030: 1.5 * free.value("co2_emissions", 2030)},
    }
    run = run_scenario(scenario_dir, "slack", targets)
    names = [
        "coal_output_max[2025]",
        "export_capacity_max[2030]",
        "non_fossil_share_min[2030]",
        "co2_cap[2030]",
    ]
    assert sorted(run.ds["target"].values) == sorted(names)
    for name in names:
        assert abs(run.dual(name)) < DUAL_ZERO, f"{name}: dual {run.dual(name):g} of a slack target"
    assert run.objective == pytest.approx(free.objective, rel=RTOL, abs=COST_RISE)
