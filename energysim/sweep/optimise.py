"""Optimising sweeps: the scenario's LP re-solved for every sample — build once, solve many.

One Pyomo model is built with `sample_multipliers=True` (the uncertain inputs are mutable
Params, `energysim.model.uncertain`) and handed once to one persistent HiGHS instance (Pyomo's
`contrib.solver` Highs). A sample sets the Params; the solver's update pushes only the changed
coefficients, bounds and costs into highspy (every structural check is switched off: no
constraint, variable or objective is ever added or removed), and HiGHS re-solves by simplex from
the basis of the nominal solve (all multipliers 1), with presolve off so the basis is used.

Every sample starts from the same nominal basis rather than the previous sample's, so a sample's
solution does not depend on which samples ran before it in its chunk: the same seed gives the
same numbers for any chunk size or number of workers. Infeasible samples are recorded (status,
NaN outputs) and the sweep goes on.

A `ScenarioLP` is what a chunk needs (scenario and inputs); it is pickled to dask workers, and
each thread that computes chunks builds its own persistent model once, on first use.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyomo.environ as pyo
import xarray as xr
from pyomo.contrib.solver.common.results import SolutionStatus
from pyomo.contrib.solver.solvers.highs import Highs

from energysim.inputs import scenario_inputs
from energysim.model.build import build_model
from energysim.model.data import ModelData
from energysim.model.dispatch import energy_twh
from energysim.model.objective import COMPONENTS, REVENUE_COMPONENTS
from energysim.model.policy import non_fossil_consumed
from energysim.scenario import load_scenario
from energysim.scenario.schema import Scenario
from energysim.solve.highs import STATUS_OF, Status, highs_options, solve
from energysim.sweep.accounting import METHODS, add_sampled_inputs
from energysim.sweep.sampling import draw_samples

STATUSES = tuple(s.value for s in Status)
# Pyomo's HiGHS interface redirects the process's stdout file descriptor during every solve,
# which fails when two threads do it at once (dask workers in one process): one at a time.
SOLVER_LOCK = threading.Lock()
YEAR_KPIS = {  # name: units, all (sample, year)
    "coal_output": "Mt",
    "cbm_output": "bcm",
    "export_capacity": "GW",
    "electricity_exported": "TWh",
    "electricity_consumption": "TWh",
    "generation_total": "TWh",
    "curtailment": "TWh",
    "unserved_energy": "TWh",
    "non_fossil_share": "fraction",
    "primary_energy": "Mtce",
    "co2_emissions": "Mt CO2",
}


@dataclass
class ScenarioLP:
    """The scenario and inputs of an optimising sweep (picklable; the model is not pickled)."""

    scenario: Scenario
    inputs: xr.Dataset
    _local: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    def lp(self) -> PersistentLP:
        """This thread's persistent model, built on first use."""
        if getattr(self._local, "lp", None) is None:
            self._local.lp = PersistentLP(self.scenario, self.inputs)
        return self._local.lp

    def __getstate__(self) -> dict:
        return {"scenario": self.scenario, "inputs": self.inputs}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)


@dataclass
class SampleSolve:
    status: Status
    objective: float
    seconds: float
    iterations: int


class PersistentLP:
    """One model with sample multipliers on one HiGHS instance, solved at the nominal point."""

    def __init__(self, scenario: Scenario, inputs: xr.Dataset):
        self.model, self.data = build_model(scenario, inputs, sample_multipliers=True)
        options = highs_options(scenario.solver)
        self.time_limit = options.pop("time_limit", None)
        self.cold_options = options  # the scenario's own, for cold starts
        # warm starts: simplex, and no presolve (HiGHS would discard the basis)
        method = "simplex" if options["solver"] in ("choose", "simplex") else options["solver"]
        self.warm_options = options | {"presolve": "off", "solver": method}
        self.solver = Highs(treat_fixed_vars_as_params=False)  # fixed vars: columns, not params
        updates = self.solver.config.auto_updates
        for name in list(updates):
            setattr(updates, name, name == "update_parameters")  # only Param values change
        self.basis = None
        self.nominal = self.solve({})
        if self.nominal.status is Status.OPTIMAL:
            self.basis = self._highs().getBasis()

    def _highs(self) -> object:
        return self.solver._solver_model  # the highspy.Highs behind Pyomo's persistent interface

    def set_multipliers(self, sample: dict[str, float]) -> None:
        for name in self.model.sample_multiplier:
            self.model.sample_multiplier[name] = float(sample.get(name, 1.0))

    def solve(self, sample: dict[str, float]) -> SampleSolve:
        """Re-solve with `sample`'s multipliers (1 for those not given), from the nominal basis;
        on optimal the primal values are loaded into the model."""
        self.set_multipliers(sample)
        if self.basis is not None:
            self._highs().setBasis(self.basis)
        elif self.solver._solver_model is not None:
            self._highs().clearSolver()  # no nominal basis: every sample starts cold
        started = time.perf_counter()
        with SOLVER_LOCK:
            results = self.solver.solve(
                self.model,
                load_solutions=False,
                raise_exception_on_nonoptimal_result=False,
                solver_options=self.warm_options if self.basis is not None else self.cold_options,
                time_limit=self.time_limit,
            )
        seconds = time.perf_counter() - started
        status = STATUS_OF.get(results.termination_condition, Status.ERROR)
        if status is Status.OPTIMAL and results.solution_status is not SolutionStatus.optimal:
            status = Status.ERROR  # as in `solve.highs.solve`
        iterations = int(getattr(results.extra_info, "simplex_iteration_count", 0) or 0)
        if status is not Status.OPTIMAL:
            return SampleSolve(status, float("nan"), seconds, iterations)
        results.solution_loader.load_vars()
        return SampleSolve(status, float(pyo.value(self.model.total_cost)), seconds, iterations)


def sample_outputs(m: pyo.ConcreteModel, d: ModelData) -> dict[str, np.ndarray]:
    """The results-contract KPIs and costs of the loaded solution, as in `results.extract`."""
    v = pyo.value
    years = d.years
    generators = list(m.generators)

    def per_year(function: object) -> np.ndarray:
        return np.array([function(y) for y in years], dtype=float)

    def share(a: float, b: float) -> float:
        return a / b if b else float("nan")

    def generated(t: str, y: int) -> float:  # storage: discharge, as in `results.extract`
        var = m.generation if t in generators else m.discharge
        return v(energy_twh(m, d, var, t, y))

    generation = np.array([[generated(t, y) for t in m.technologies] for y in years])
    co2 = per_year(lambda y: v(m.co2[y]))
    return {
        "coal_output": per_year(lambda y: v(m.coal_output[y])),
        "cbm_output": per_year(lambda y: v(m.gas_output[y])),
        "export_capacity": per_year(
            lambda y: sum(v(m.corridor_capacity[c, y]) for c in d.corridors)
        ),
        "electricity_exported": per_year(lambda y: v(m.electricity_exported[y])),
        "electricity_consumption": per_year(lambda y: v(m.electricity_consumption[y])),
        "generation_total": generation[:, [t in generators for t in m.technologies]].sum(axis=1),
        "curtailment": per_year(
            lambda y: sum(v(energy_twh(m, d, m.curtailment, t, y)) for t in m.variable_generators)
        ),
        "unserved_energy": per_year(lambda y: v(energy_twh(m, d, m.unserved, y))),
        "non_fossil_share": per_year(
            lambda y: share(non_fossil_consumed(m, d, y), v(m.primary_energy[y]))
        ),
        "primary_energy": per_year(lambda y: v(m.primary_energy[y])),
        "co2_emissions": co2,
        "electricity_share_final": np.array(
            [
                [share(v(m.final_electricity[k, y]), v(m.final_total[k, y])) for k in METHODS]
                for y in years
            ]
        ),
        "generation": generation,
        "capacity": np.array([[v(m.capacity[t, y]) for t in m.technologies] for y in years]),
        "cost": np.array([[v(m.annual_cost[k, y]) * 1e6 for y in years] for k in COMPONENTS]),
        "total_cost": np.array(
            sum(
                d.discount_factor[y] * v(m.annual_cost[k, y]) * 1e6
                for k in COMPONENTS
                if k not in REVENUE_COMPONENTS
                for y in years
            )
        ),
        "co2_peak_year": np.array(float(years[int(np.argmax(np.round(co2, 6)))])),
    }


def optimise_chunk(
    scenario_lp: ScenarioLP, params: dict[str, np.ndarray], start: int, dtype: str = "float64"
) -> xr.Dataset:
    """Outputs of samples start..start+n (params sliced to them), one LP solve each, on this
    thread's persistent model. `dtype` is unused (LP results are float64)."""
    lp = scenario_lp.lp()
    m, d = lp.model, lp.data
    n = len(next(iter(params.values())))
    years, techs = d.years, list(m.technologies)
    shapes = {
        **{k: (len(years),) for k in YEAR_KPIS},
        "electricity_share_final": (len(years), len(METHODS)),
        "generation": (len(years), len(techs)),
        "capacity": (len(years), len(techs)),
        "cost": (len(COMPONENTS), len(years)),
        "total_cost": (),
        "co2_peak_year": (),
    }
    out = {k: np.full((n, *shape), np.nan) for k, shape in shapes.items()}
    status = np.empty(n, dtype=object)
    iterations = np.zeros(n, dtype=np.int64)
    for i in range(n):  # one LP per sample: this loop is the point of optimise mode
        solved = lp.solve({k: float(v[i]) for k, v in params.items()})
        status[i], iterations[i] = solved.status.value, solved.iterations
        if solved.status is Status.OPTIMAL:
            for k, values in sample_outputs(m, d).items():
                out[k][i] = values
    return _chunk_dataset(out, status, iterations, params, start, d, techs)


def _chunk_dataset(
    out: dict[str, np.ndarray],
    status: np.ndarray,
    iterations: np.ndarray,
    params: dict[str, np.ndarray],
    start: int,
    d: ModelData,
    techs: list[str],
) -> xr.Dataset:
    n = len(status)
    ds = xr.Dataset(
        coords={
            "sample": np.arange(start, start + n),
            "year": d.years,
            "technology": techs,
            "method": list(METHODS),
            "cost_component": list(COMPONENTS),
        }
    )
    sy = ("sample", "year")
    for name, units in YEAR_KPIS.items():
        ds[name] = (sy, out[name], {"units": units})
    ds["electricity_share_final"] = (
        ("sample", "year", "method"),
        out["electricity_share_final"],
        {"units": "fraction"},
    )
    ds["generation"] = (
        ("sample", "year", "technology"),
        out["generation"],
        {"units": "TWh", "long_name": "annual generation (storage: discharge)"},
    )
    ds["capacity"] = (
        ("sample", "year", "technology"),
        out["capacity"],
        {"units": "GW", "long_name": "operational capacity chosen by the LP for the sample"},
    )
    ds["cost"] = (("sample", "cost_component", "year"), out["cost"], {"units": "CNY/yr"})
    ds["total_cost"] = ("sample", out["total_cost"], {"units": "CNY (discounted)"})
    ds["co2_peak_year"] = (
        "sample",
        out["co2_peak_year"],
        {"units": "year", "long_name": "year of highest CO2 (NaN: no optimal solution)"},
    )
    ds["status"] = (
        "sample",
        status.astype(str),
        {"long_name": f"LP status of the sample: {', '.join(STATUSES)}"},
    )
    ds["simplex_iterations"] = ("sample", iterations, {"units": "1"})
    add_sampled_inputs(ds, params)
    return ds


def persistent_vs_rebuild(
    scenario_path: str | Path, n_samples: int, overrides: tuple[str, ...] = (), seed: int = 0
) -> dict:
    """Seconds per sample of update-and-resolve on the persistent model (Param values pushed,
    warm simplex, solution loaded) against rebuild-and-solve (a fresh model with the sample's
    multipliers, a fresh HiGHS with the scenario's presolve and method, solution and duals
    loaded as by `energysim run`), on the same `n_samples` samples of the scenario's
    `uncertainty:` block; the largest relative difference of their objectives; and the time to
    read one sample's outputs (`sample_outputs`, the same for both, counted in neither)."""
    scenario = load_scenario(scenario_path, list(overrides))
    inputs = scenario_inputs(scenario)
    samples = draw_samples(scenario.uncertainty, n_samples, seed)
    started = time.perf_counter()
    lp = PersistentLP(scenario, inputs)
    setup = time.perf_counter() - started
    persistent, extract, rebuild, differences, statuses = [], [], [], [], []
    for i in range(n_samples):
        sample = {k: float(v[i]) for k, v in samples.items()}
        started = time.perf_counter()
        solved = lp.solve(sample)
        persistent.append(time.perf_counter() - started)
        if solved.status is Status.OPTIMAL:
            started = time.perf_counter()
            sample_outputs(lp.model, lp.data)
            extract.append(time.perf_counter() - started)
        started = time.perf_counter()
        model, _ = build_model(scenario, inputs, sample_multipliers=True)
        for name, value in sample.items():
            model.sample_multiplier[name] = value
        fresh = solve(model, scenario.solver)
        rebuild.append(time.perf_counter() - started)
        statuses.append(f"{solved.status.value}/{fresh.status.value}")
        if solved.status is Status.OPTIMAL and fresh.status is Status.OPTIMAL:
            differences.append(abs(solved.objective - fresh.objective) / abs(fresh.objective))
    per_persistent = statistics.median(persistent)
    per_rebuild = statistics.median(rebuild)
    return {
        "scenario": str(scenario_path),
        "overrides": list(overrides),
        "samples": n_samples,
        "slices": len(lp.data.slices),
        "years": list(lp.data.years),
        "rows": lp._highs().getNumRow(),
        "columns": lp._highs().getNumCol(),
        "setup_seconds": setup,
        "persistent_seconds_median": per_persistent,
        "persistent_seconds_mean": statistics.fmean(persistent),
        "rebuild_seconds_median": per_rebuild,
        "rebuild_seconds_mean": statistics.fmean(rebuild),
        "speedup_median": per_rebuild / per_persistent,
        "extract_seconds_median": statistics.median(extract) if extract else float("nan"),
        "max_relative_objective_difference": max(differences, default=float("nan")),
        "statuses (persistent/rebuild)": {s: statuses.count(s) for s in sorted(set(statuses))},
    }
