"""Single-bus 8,760-h screening LP, built by energysim (Pyomo) and by PyPSA (linopy) in one run.

The LP: one bus, the 8,760 hours of inputs/shanxi/hourly_profiles.csv (load, wind and solar
capacity factors), one investment year with greenfield investment in wind, solar, a coal plant,
a gas plant and a 2 h battery, unserved energy at the value of lost load. The same numbers go to
both: annualised capital cost (capex x CRF at 6 %) plus fixed O&M per GW, marginal cost per
GWh (fuel folded into variable O&M), availability, the battery's round-trip efficiency split
evenly between charging and discharging, its state of charge cyclic over the year.

energysim side: a small inputs folder (time_slices.csv of 8,760 explicit slices) written to the
run's scratch folder, `build_model` (Pyomo), then the hand-off energysim uses, `compile_lp`
(Pyomo's standard-form compiler) + `highs_from_arrays` (`passModel`). PyPSA side: the network
(one bus, the five assets, a load-shedding generator standing for unserved energy) built from
arrays outside the timings, `n.optimize.create_model()` (linopy) as the build, linopy's direct
hand-off `linopy.io.to_highspy` as the hand-off; build and hand-off are repeated three times
each (median; the first call of each tool pays its imports and caches), the last LP of each is
solved by HiGHS (same version, default options, `solver: simplex` as energysim resolves it for
an LP of this size) and the objectives are checked equal (relative 1e-6).

The formulations are the same LP up to slack columns and empty rows: energysim writes
wind and solar as generation + curtailment = capacity x cf (PyPSA: p <= p_nom x p_max_pu), has
separate "new" and "standing" capacity columns (capacity <= new, presolve merges them), and
carries its model's other families (heat, demand accounting) as rows that are empty or zero
for this input; the figure is therefore seconds per million nonzeros of the LP each tool hands
to HiGHS, and rows, columns and nonzeros of both are in the case's size.

PyPSA is in the `bench` extra only (`pip install -e ".[bench]"`); without it the case is listed
as not measured. In `--quick` mode (CI) the case runs on the first 168 hours when PyPSA is
installed and is skipped otherwise.
"""

from __future__ import annotations

import csv
import gc
import math
import time
from pathlib import Path

import highspy
import numpy as np

from benchmarks.runner import Case, Context, Figure, Timings, benchmark

ROOT = Path(__file__).resolve().parent.parent
NAME = "single-bus 8,760-h screening LP: energysim vs PyPSA/linopy"
OBJECTIVE_RTOL = 1e-6
DISCOUNT_RATE = 0.06
CONSUMPTION_TWH = 250.0  # a year of load on the bus (Shanxi used 234 TWh in 2020)
VALUE_OF_LOST_LOAD = 10_000.0  # CNY/MWh
# technology: kind, capex CNY/kW, fixed O&M CNY/kW/yr, lifetime yr, marginal CNY/MWh,
# availability (thermal) -- Shanxi 2030 numbers (inputs/shanxi), fuel folded into the marginal
# cost: coal 625 CNY/tce x 0.285 tce/MWh + 20, gas 1,288 CNY/tce x 0.2 tce/MWh + 25.
TECHNOLOGIES = {
    "wind": ("variable", 4300.0, 52.46, 30.0, 0.0, 1.0),
    "solar": ("variable", 2200.0, 40.70, 40.0, 0.0, 1.0),
    "coal": ("thermal", 3800.0, 120.0, 30.0, 198.0, 0.90),
    "gas": ("thermal", 3000.0, 80.0, 30.0, 282.6, 0.92),
    "battery": ("storage", 3300.0, 66.0, 25.0, 0.0, 1.0),
}
BATTERY_HOURS = 2.0
BATTERY_ROUND_TRIP = 0.9216


def crf(rate: float, lifetime: float) -> float:
    return rate / (1.0 - (1.0 + rate) ** -lifetime)


def hourly_profiles(hours: int) -> dict[str, np.ndarray]:
    from energysim.inputs.timeslices import read_hourly

    hourly = read_hourly(ROOT / "inputs" / "shanxi" / "hourly_profiles.csv")
    profiles = {name: np.asarray(hourly[name][:hours], dtype=float) for name in PROFILE_NAMES}
    profiles["load_pu"] = profiles["load_pu"] / profiles["load_pu"].mean()  # mean 1 over the run
    return profiles


PROFILE_NAMES = ("load_pu", "wind_cf", "solar_cf")


def write_inputs(folder: Path, profiles: dict[str, np.ndarray]) -> Path:
    """A greenfield single-bus inputs folder; slice weights stretch `hours` to 8,760 h."""
    folder.mkdir(parents=True, exist_ok=True)
    hours = len(profiles["load_pu"])
    weight = 8760.0 / hours

    def table(name: str, header: list[str], rows: list[list[object]]) -> None:
        with (folder / name).open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    table(
        "technologies.csv",
        ["technology", "kind", "fuel", "fossil", "description"],
        [[t, kind, "none", "false", t] for t, (kind, *_) in TECHNOLOGIES.items()],
    )
    parameters = []
    for t, (_, capex, fom, life, marginal, available) in TECHNOLOGIES.items():
        parameters += [
            [t, "capex", "", capex, "CNY/kW", "A01"],
            [t, "fom", "", fom, "CNY/kW/yr", "A01"],
            [t, "lifetime", "", life, "yr", "A01"],
            [t, "vom", "", marginal, "CNY/MWh", "A01"],
        ]
        if TECHNOLOGIES[t][0] == "thermal":
            parameters.append([t, "availability", "", available, "fraction", "A01"])
    parameters += [
        ["battery", "energy_to_power", "", BATTERY_HOURS, "h", "A01"],
        ["battery", "round_trip_efficiency", "", BATTERY_ROUND_TRIP, "fraction", "A01"],
    ]
    table(
        "technology_parameters.csv",
        ["technology", "parameter", "year", "value", "unit", "source"],
        parameters,
    )
    table("fuels.csv", ["fuel", "parameter", "year", "value", "unit", "source"], [])
    table(
        "exogenous_demand.csv",
        ["use", "year", "value", "unit", "source"],
        [["electricity_consumption", "", CONSUMPTION_TWH, "TWh", "A01"]],
    )
    table(
        "time_slices.csv",
        ["slice", "weight", *PROFILE_NAMES],
        [[h, weight, *(f"{profiles[p][h]:.6f}" for p in PROFILE_NAMES)] for h in range(hours)],
    )
    (folder / "SOURCES.md").write_text(
        "# Single-bus screening benchmark\n\n## Sources\n"
        "- **A01** assumption: benchmarks/screening.py (Shanxi 2030 numbers, rounded).\n"
    )
    return folder


def energysim_side(folder: Path, t: Timings, repeats: int) -> dict:
    from energysim.inputs import scenario_inputs
    from energysim.model.build import build_model
    from energysim.scenario import Scenario
    from energysim.solve.direct import compile_lp, highs_from_arrays

    scenario = Scenario(
        name="screening-8760",
        inputs=folder,
        years=[2030],
        economics={"discount_rate": DISCOUNT_RATE},
        model={"pin_base_year": False, "value_of_lost_load": VALUE_OF_LOST_LOAD},
        solver={"method": "simplex"},
    )
    inputs = scenario_inputs(scenario)
    for _ in range(repeats):
        model = lp = highs = None
        gc.collect()
        with t.phase("energysim: build (Pyomo)"):
            model, _ = build_model(scenario, inputs)
        with t.phase("energysim: hand-off (compile_lp + passModel)"):
            lp = compile_lp(model)
            highs = highs_from_arrays(lp, {"solver": "simplex"})
    with t.phase("energysim: HiGHS run"):
        highs.run()
    return _outcome(highs, (len(lp.row_lower), len(lp.cost), lp.matrix.nnz))


def pypsa_network(profiles: dict[str, np.ndarray]):
    """The same system as `write_inputs`, in PyPSA's units: GW as "MW", bn CNY as currency."""
    import pandas as pd
    import pypsa

    hours = len(profiles["load_pu"])
    weight = 8760.0 / hours
    n = pypsa.Network()
    n.set_snapshots(pd.RangeIndex(hours, name="snapshot"))
    n.snapshot_weightings.loc[:, ["objective", "generators"]] = weight
    n.snapshot_weightings.loc[:, "stores"] = 1.0  # energysim's storage step: slice_duration 1 h
    n.add("Carrier", "AC")
    n.add("Bus", "bus", carrier="AC")
    n.add("Load", "load", bus="bus", p_set=CONSUMPTION_TWH * 1000.0 / 8760.0 * profiles["load_pu"])
    scale = 1e-3  # MCNY -> bn CNY: energysim's objective unit
    for t, (kind, capex, fom, life, marginal, available) in TECHNOLOGIES.items():
        annual = scale * (capex * crf(DISCOUNT_RATE, life) + fom)  # bn CNY per GW and year
        per_gwh = scale * marginal / 1000.0  # CNY/MWh x GWh -> bn CNY
        if kind == "storage":
            eta = math.sqrt(BATTERY_ROUND_TRIP)
            n.add(
                "StorageUnit",
                t,
                bus="bus",
                p_nom_extendable=True,
                capital_cost=annual,
                marginal_cost=per_gwh,
                max_hours=BATTERY_HOURS,
                efficiency_store=eta,
                efficiency_dispatch=eta,
                cyclic_state_of_charge=True,
            )
            continue
        p_max_pu = profiles[f"{t}_cf"] if kind == "variable" else available
        n.add(
            "Generator",
            t,
            bus="bus",
            p_nom_extendable=True,
            capital_cost=annual,
            marginal_cost=per_gwh,
            p_max_pu=p_max_pu,
        )
    n.add(
        "Generator",
        "unserved",
        bus="bus",
        p_nom=1e6,  # energysim's unserved power is unbounded above
        marginal_cost=scale * VALUE_OF_LOST_LOAD / 1000.0,
    )
    return n


def pypsa_side(profiles: dict[str, np.ndarray], t: Timings, repeats: int) -> dict:
    import linopy.io

    n = pypsa_network(profiles)
    for _ in range(repeats):
        model = highs = None
        gc.collect()
        with t.phase("PyPSA: build (create_model, linopy)"):
            model = n.optimize.create_model(include_objective_constant=False)  # none here
        with t.phase("PyPSA: hand-off (linopy to_highspy)"):
            highs = linopy.io.to_highspy(model)
            highs.setOptionValue("output_flag", False)
            highs.setOptionValue("solver", "simplex")
    with t.phase("PyPSA: HiGHS run"):
        highs.run()
    shape = (model.ncons, model.nvars, int(model.constraints.ncons and _nnz(model)))
    return _outcome(highs, shape)


def _nnz(model) -> int:
    matrices = model.matrices
    return int(matrices.A.nnz)


def _outcome(highs: highspy.Highs, shape: tuple[int, int, int]) -> dict:
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"{NAME}: HiGHS ended {highs.modelStatusToString(status)}")
    info = highs.getInfo()
    return {
        "objective": float(info.objective_function_value),
        "iterations": int(info.simplex_iteration_count + info.ipm_iteration_count),
        "shape": shape,
    }


def pypsa_missing() -> str | None:
    try:
        import linopy  # noqa: F401
        import pypsa  # noqa: F401
    except ImportError:
        return "PyPSA is not installed (it is in the bench extra: pip install -e '.[bench]')"
    return None


@benchmark("screening LP")
def screening_benchmark(context: Context) -> list[Case]:
    missing = pypsa_missing()
    if missing:
        print(f"[bench] {NAME}: skipped, {missing}", flush=True)
        context.skipped[NAME] = missing
        return []
    hours = 168 if context.quick else 8760
    profiles = hourly_profiles(hours)
    folder = write_inputs(context.workdir / "screening-inputs", profiles)
    t = Timings()
    started = time.perf_counter()
    repeats = 1 if context.quick else 3  # build + hand-off: median of 3; one HiGHS run each
    ours = energysim_side(folder, t, repeats)
    theirs = pypsa_side(profiles, t, repeats)
    print(f"[bench] {NAME}: both sides in {time.perf_counter() - started:.1f} s", flush=True)
    rows, cols, nnz = ours["shape"]
    prow, pcol, pnnz = theirs["shape"]
    name = NAME if hours == 8760 else f"single-bus {hours}-h screening LP: energysim vs PyPSA"
    case = Case(
        name,
        f"energysim LP {rows:,} x {cols:,} ({nnz:,} nnz); linopy LP {prow:,} x {pcol:,} "
        f"({pnnz:,} nnz)",
        phases=t.phases(),
    )
    seconds = case.seconds
    ours_per = (
        seconds("energysim: build (Pyomo)")
        + seconds("energysim: hand-off (compile_lp + passModel)")
    ) / (nnz / 1e6)
    theirs_per = (
        seconds("PyPSA: build (create_model, linopy)")
        + seconds("PyPSA: hand-off (linopy to_highspy)")
    ) / (pnnz / 1e6)
    case.figures.append(
        Figure(
            "build + hand-off per million nonzeros",
            ours_per,
            "s",
            "PyPSA/linopy",
            theirs_per,
            "<= 1.5x" if hours == 8760 else "",  # 168 h: fixed costs dominate, no goal
            ours_per <= 1.5 * theirs_per if hours == 8760 else None,
        )
    )
    case.figures.append(
        Figure(
            "HiGHS run",
            seconds("energysim: HiGHS run"),
            "s",
            "PyPSA/linopy LP",
            seconds("PyPSA: HiGHS run"),
        )
    )
    a, b = ours["objective"], theirs["objective"]
    difference = abs(a - b) / max(abs(a), abs(b), 1.0)
    case.checks["objective equal (energysim, PyPSA)"] = {
        "ok": bool(difference <= OBJECTIVE_RTOL),
        "energysim": a,
        "pypsa": b,
        "relative_difference": difference,
        "iterations": f"{ours['iterations']} / {theirs['iterations']}",
    }
    return [case]
