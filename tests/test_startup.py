"""Start-up: the CLI loads heavy libraries only for the commands that need them, and writing
NetCDF does not load dask.distributed. These tests check which modules get imported (in a
fresh interpreter), never how long anything takes."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT

HEAVY = ("pyomo", "xarray", "pandas", "matplotlib", "dask", "distributed", "scipy", "highspy")


def loaded_after(code: str) -> set[str]:
    """Top-level packages among HEAVY that a fresh interpreter has imported after `code`."""
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split("\n")[-2]
    return set(out.split()) & set(HEAVY)


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert loaded_after("import energysim.cli.app") == set()


def test_help_and_validate_without_inputs_stay_light() -> None:
    run = (
        "from typer.testing import CliRunner\nfrom energysim.cli.app import app\n"
        "r = CliRunner().invoke(app, {args!r})\nassert r.exit_code == 0, r.output"
    )
    assert loaded_after(run.format(args=["--help"])) == set()
    validate = ["validate", str(ROOT / "scenarios" / "shanxi-14fyp.yaml"), "--no-inputs"]
    assert loaded_after(run.format(args=validate)) == set()


def test_a_command_still_loads_what_it_needs() -> None:
    """The probe can fail: `validate` with inputs loads xarray (the inputs are a Dataset)."""
    run = (
        "from typer.testing import CliRunner\nfrom energysim.cli.app import app\n"
        f"r = CliRunner().invoke(app, ['validate', {str(ROOT / 'scenarios' / 'base.yaml')!r}])\n"
        "assert r.exit_code == 0, r.output"
    )
    assert "xarray" in loaded_after(run)


def test_writing_netcdf_does_not_load_dask_distributed(tmp_path) -> None:
    code = (
        "import numpy as np, xarray as xr\n"
        "from energysim.results.netcdf import read_netcdf, write_netcdf\n"
        "ds = xr.Dataset({'a': ('x', np.arange(3.0))}, attrs={'title': 't'})\n"
        f"path = write_netcdf(ds, {str(tmp_path / 'a.nc')!r})\n"
        "assert float(read_netcdf(path)['a'].sum()) == 3.0"
    )
    assert "distributed" not in loaded_after(code)
    assert "xarray" in loaded_after(code)
