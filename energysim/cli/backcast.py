"""`energysim backcast SCENARIO.yaml`: solve a scenario over years with statistics, holding
only the drivers to history, and print how far the model's decisions sit from the statistics."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from energysim.cli.run import execute

if TYPE_CHECKING:
    import xarray as xr


def backcast(
    scenario_file: Annotated[
        Path, typer.Argument(help="scenario YAML file", exists=True, dir_okay=False)
    ],
    set_: Annotated[
        list[str], typer.Option("--set", help="override, e.g. history.until=2023")
    ] = [],  # noqa: B006 - typer needs a literal default
    out: Annotated[Path | None, typer.Option(help="results file (default results/NAME.nc)")] = None,
    time_limit: Annotated[float | None, typer.Option(help="solver time limit, seconds")] = None,
) -> None:
    """Back-cast: the model against history.csv, with errors, MAPE and the sign of the change.

    What the scenario's `history.fix` lists (by default electricity consumption and exports,
    coal output and shipments, the coal price) is held to the statistics up to `history.until`;
    capacity, dispatch, gas output, heat and CO2 stay the model's decisions. A scenario without
    `history:` is held to history up to its last model year. Exit codes as `run`.
    """
    from energysim.scenario import load_scenario
    from energysim.scenario.schema import History

    scenario = load_scenario(scenario_file, set_)
    if scenario.history is None:
        until = min(scenario.years[-1], 2025)
        scenario = scenario.model_copy(update={"history": History(until=until)})
        typer.echo(f"no `history:` in the scenario: holding the drivers to history up to {until}")
    execute(scenario, out, time_limit, tee=False, summary=backcast_summary)


def backcast_summary(ds: xr.Dataset) -> str:
    """What was held to history, then the accuracy table."""
    from energysim.results.history import accuracy_table

    return f"held to history: {ds.attrs.get('history_fixed', 'none')}\n\n" + accuracy_table(ds)
