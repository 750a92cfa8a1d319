"""The `energysim` command: one typer app, one module per command.

Exit codes: 0 ok, 1 internal error, 2 invalid input, 3 infeasible scenario.

Start-up: the command modules import only typer and the standard library at module level;
each command imports what it needs (Pyomo, xarray, pandas, matplotlib, dask) when it runs, so
`energysim --help` and `energysim validate --no-inputs` do not pay for them
(tests/test_startup.py checks which modules an import of this one loads).
"""

from __future__ import annotations

import functools
import os
import signal
from collections.abc import Callable
from typing import Any

import typer

from energysim.cli import (
    backcast,
    balance,
    compare,
    export,
    info,
    report,
    run,
    schema,
    sweep,
    validate,
)
from energysim.errors import EXIT_INPUT, EXIT_INTERNAL, InputError, OutputError

app = typer.Typer(
    name="energysim",
    help="Scenario engine for the energy transition of Shanxi (山西).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: rendering it with rich costs ~0.2 s of imports
)


def _command(function: Callable[..., None]) -> Callable[..., None]:
    """Register a command whose bad input and internal errors become messages and exit codes."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            function(*args, **kwargs)
        except InputError as err:
            typer.echo(err.report(), err=True)
            raise typer.Exit(EXIT_INPUT) from None
        except OutputError as err:
            typer.echo(err.report(), err=True)
            raise typer.Exit(EXIT_INTERNAL) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as err:  # the message, not a traceback, unless asked for
            if os.environ.get("ENERGYSIM_DEBUG"):
                raise
            typer.echo(
                f"internal error: {type(err).__name__}: {err} "
                "(set ENERGYSIM_DEBUG=1 for the traceback)",
                err=True,
            )
            raise typer.Exit(EXIT_INTERNAL) from None

    app.command(function.__name__.rstrip("_"))(wrapper)
    return wrapper


for _function in (
    validate.validate,
    schema.schema,
    info.info,
    run.run,
    backcast.backcast,
    sweep.sweep,
    export.export,
    balance.balance,
    report.report,
    compare.compare,
    compare.diff,
):
    _command(_function)


def main() -> None:
    """Console entry point."""
    # Past a file size limit (ulimit -f) a write fails with EFBIG instead of the kernel
    # killing the process with SIGXFSZ, so the limit becomes one message.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    app()


if __name__ == "__main__":
    main()
