"""`energysim validate FILE...`: check scenario files, their inputs and the targets the inputs
make impossible (pre-solve screening), without building or solving a model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from energysim.errors import EXIT_INFEASIBLE, InputError


def validate(
    files: Annotated[list[Path], typer.Argument(help="scenario YAML files")],
    set_: Annotated[
        list[str], typer.Option("--set", help="override, e.g. targets.co2_cap.2030=600")
    ] = [],  # noqa: B006 - typer needs a literal default
    inputs: Annotated[bool, typer.Option(help="also load and check the inputs folder")] = True,
) -> None:
    """Validate scenario files; every problem is reported with file, line, column and field."""
    from energysim.scenario import load_scenario

    if inputs:  # the inputs and the screening need xarray, pandas and the model's lookups
        from energysim.inputs import scenario_inputs
        from energysim.model.data import prepare
        from energysim.solve.screening import impossible_targets

    problems, impossible = [], []
    for file in files:
        try:
            scenario = load_scenario(file, set_)
            if inputs:
                data = scenario_inputs(scenario)
                found = impossible_targets(prepare(scenario, data))
                impossible.extend(found)
                if found:
                    continue
            typer.echo(
                f"ok  {file}  ({scenario.name}, years {scenario.years[0]}-{scenario.years[-1]})"
            )
        except InputError as err:
            problems.extend(err.problems)
    if problems:
        raise InputError(problems + impossible)
    if impossible:
        typer.echo(
            "targets the inputs make impossible (the scenario is infeasible):\n"
            + "\n".join(f"  {p}" for p in impossible),
            err=True,
        )
        raise typer.Exit(EXIT_INFEASIBLE)
