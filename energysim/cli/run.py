"""`energysim run SCENARIO.yaml`: build, solve with HiGHS, write results and a run log, print
the KPIs; an infeasible scenario is diagnosed (which targets and inputs collide), exit 3."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from energysim.errors import EXIT_INFEASIBLE, EXIT_INTERNAL

if TYPE_CHECKING:  # imported when a run starts, so `energysim --help` stays fast
    import pyomo.environ as pyo
    import xarray as xr

    from energysim.model.data import ModelData
    from energysim.scenario import Scenario
    from energysim.solve.highs import SolveResult


def run(
    scenario_file: Annotated[
        Path, typer.Argument(help="scenario YAML file", exists=True, dir_okay=False)
    ],
    set_: Annotated[
        list[str], typer.Option("--set", help="override, e.g. targets.co2_cap.2030=600")
    ] = [],  # noqa: B006 - typer needs a literal default
    out: Annotated[Path | None, typer.Option(help="results file (default results/NAME.nc)")] = None,
    time_limit: Annotated[float | None, typer.Option(help="solver time limit, seconds")] = None,
    stress: Annotated[
        bool, typer.Option("--stress", help="make every target soft (penalty per unit missed)")
    ] = False,
    tee: Annotated[bool, typer.Option(help="show the HiGHS log")] = False,
) -> None:
    """Solve the least-cost pathway of a scenario and write its results file and run log."""
    from energysim.scenario import load_scenario

    scenario = load_scenario(scenario_file, set_)
    execute(with_stress(scenario) if stress else scenario, out, time_limit, tee)


def execute(
    scenario: Scenario,
    out: Path | None,
    time_limit: float | None,
    tee: bool,
    summary: Callable[[xr.Dataset], str] | None = None,
) -> xr.Dataset:
    """Build, solve, write the results file and run log, print the KPIs (and `summary`);
    an infeasible scenario is diagnosed and ends the command with exit code 3."""
    from energysim.inputs import scenario_inputs
    from energysim.model.build import build_model
    from energysim.model.data import prepare
    from energysim.results.extract import to_dataset
    from energysim.results.netcdf import check_writable, write_netcdf
    from energysim.solve.diagnose import diagnose
    from energysim.solve.highs import Status, solve
    from energysim.solve.screening import impossible_targets

    started = time.perf_counter()
    out = out or Path("results") / f"{scenario.name}.nc"
    check_writable(out)  # before the build and solve, not after
    log = RunLog(out.with_suffix(".log"))
    inputs = scenario_inputs(scenario)
    data = prepare(scenario, inputs)
    conflicts = [] if scenario.stress.enabled else impossible_targets(data)
    if conflicts:
        log.fail(
            f"{scenario.name}: infeasible before solving; these targets cannot hold with "
            "the inputs:\n" + "\n".join(f"  {c}" for c in conflicts)
        )
    model, data = build_model(scenario, inputs, data)
    built = time.perf_counter()
    if scenario.foresight.mode == "myopic":
        result = _solve_myopic(scenario, model, data, log, time_limit, tee)
    else:
        result = solve(model, scenario.solver, time_limit=time_limit, tee=tee, data=data)
    log.say(
        f"{scenario.name}: {result.status} (build {built - started:.1f} s, "
        f"solve {result.solve_seconds:.1f} s)"
    )
    if result.options.get("start") == "cold":
        log.say(
            "  the myopic start found no basis (a one-year window could not be solved: its "
            "targets need foresight), so the LP was solved from a cold start"
        )
    if result.status is Status.INFEASIBLE:
        diagnosis = diagnose(
            model,
            data,
            scenario.solver,
            elastic=lambda: _solve_stressed(scenario, inputs, time_limit),
            time_limit=time_limit,
        )
        if diagnosis.status == "infeasible":
            log.fail(
                f"The scenario is infeasible: its targets and inputs cannot all hold together "
                f"(confirmed with presolve off; diagnosis {diagnosis.seconds:.1f} s).\n"
                f"{diagnosis.report()}\nNo results file was written."
            )
        log.say("HiGHS presolve reported infeasible; without presolve the model solves.")
        result = diagnosis.solution
    if result.status is not Status.OPTIMAL:
        log.fail(
            f"No optimal solution ({result.status}, HiGHS: {result.termination}). "
            "No results file was written.",
            code=EXIT_INTERNAL,
        )
    ds = to_dataset(model, data, result)
    path = write_netcdf(ds, out)
    log.say(kpi_table(ds))
    if scenario.stress.enabled:
        log.say(target_table(ds))
    if summary is not None:
        log.say(summary(ds))
    log.say(f"results written to {path}")
    log.close()
    return ds


def with_stress(scenario: Scenario) -> Scenario:
    """The same scenario with every target soft."""
    return scenario.model_copy(
        update={"stress": scenario.stress.model_copy(update={"enabled": True})}
    )


def _solve_myopic(
    scenario: Scenario,
    model: pyo.ConcreteModel,
    data: ModelData,
    log: RunLog,
    time_limit: float | None,
    tee: bool,
) -> SolveResult:
    """Myopic foresight: window by window (solve/foresight.py); a window that cannot be solved
    ends the run (infeasible: exit 3, naming the window)."""
    from energysim.solve.foresight import solve_myopic
    from energysim.solve.highs import Status

    window = scenario.foresight.years_per_window
    outcome = solve_myopic(model, data, scenario.solver, window, time_limit=time_limit, tee=tee)
    for w in outcome.windows:
        log.say(
            f"  window {w.years[0]}-{w.years[-1]}: {w.status}, {w.rows} rows x {w.columns} "
            f"columns, {w.iterations} iterations, {w.seconds:.1f} s"
        )
    if outcome.result.status is Status.INFEASIBLE:
        last = outcome.windows[-1].years if outcome.windows else ()
        log.fail(
            f"{scenario.name}: with myopic foresight (window {window}) the years "
            f"{', '.join(map(str, last))} cannot be solved: the decisions of the earlier windows "
            "leave no way to meet their targets. No results file was written."
        )
    return outcome.result


def _solve_stressed(scenario: Scenario, inputs: xr.Dataset, time_limit: float | None) -> tuple:
    from energysim.model.build import build_model
    from energysim.solve.highs import solve

    model, data = build_model(with_stress(scenario), inputs)
    return model, solve(model, scenario.solver, time_limit=time_limit, data=data)


class RunLog:
    """What `run` prints, also kept in a log file beside the results (written whole)."""

    def __init__(self, path: Path):
        self.path, self.lines = path, []

    def say(self, text: str) -> None:
        typer.echo(text)
        self.lines.append(text)

    def fail(self, text: str, code: int = EXIT_INFEASIBLE) -> NoReturn:
        typer.echo(text, err=True)
        self.lines.append(text)
        self.close()
        raise typer.Exit(code)

    def close(self) -> None:
        from energysim.results.netcdf import write_text

        write_text("\n".join(self.lines) + "\n", self.path)


def target_table(ds: xr.Dataset) -> str:
    """Per target: held or missed, by how much, and its marginal cost (shadow price)."""
    lines = [f"{'target':34s}{'status':>8s}{'missed by':>14s}{'shadow price':>20s}"]
    for name in ds.target.values:
        row = ds.sel(target=name)
        missed = float(row["target_violation"])
        unit = str(row["target_unit"].values)
        status = "missed" if missed > 1e-6 else "held"
        lines.append(
            f"{name!s:34s}{status:>8s}{missed:>10.4g} {unit:<4s}"
            f"{float(row['target_shadow_price']):>14.4g} CNY/{unit}"
        )
    return "\n".join(lines)


def kpi_table(ds) -> str:
    rows = [
        ("coal output", "coal_output", "Mt", "{:8.0f}"),
        ("CBM/gas output", "cbm_output", "bcm", "{:8.1f}"),
        ("export capacity", "export_capacity", "GW", "{:8.1f}"),
        ("exported", "electricity_exported", "TWh", "{:8.1f}"),
        ("generation", "generation_total", "TWh", "{:8.1f}"),
        ("elec. share (cal.)", ("electricity_share_final", "calorific"), "%", "{:8.1%}"),
        ("elec. share (coal-eq.)", ("electricity_share_final", "coal_equivalent"), "%", "{:8.1%}"),
        ("non-fossil share", "non_fossil_share", "%", "{:8.1%}"),
        ("CO2", "co2_emissions", "Mt", "{:8.0f}"),
    ]
    years = [int(y) for y in ds.year.values]
    lines = [f"{'':24s}{'unit':>5s}" + "".join(f"{y:>9d}" for y in years)]
    for label, name, unit, fmt in rows:
        data = (
            ds[name[0]].sel({"method": name[1]}) if isinstance(name, tuple) else ds[name]
        ).values
        cells = "".join(
            " " + fmt.format(float(x)).replace("%", "")
            if unit == "%"
            else " " + fmt.format(float(x))
            for x in data
        )
        lines.append(f"{label:24s}{unit:>5s}{cells}")
    lines.append(
        f"CO2 peak year: {ds.attrs['co2_peak_year']}   "
        f"total cost: {float(ds['total_cost']) / 1e12:.2f} trillion CNY (discounted)"
        + (
            f", revenue {float(ds['revenue']) / 1e12:.2f}, "
            f"net cost {float(ds['net_cost']) / 1e12:.2f}"
            if "net_cost" in ds
            else ""
        )
    )
    return "\n".join(lines)
