"""Results files: written whole or not at all, with a clear message when the disk is full, a
file size limit is reached or the folder cannot be written, with normal file modes, and with
the temporaries of crashed writers cleaned up (issue 16, items 4 and 9)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.results import netcdf
from energysim.results.netcdf import (
    read_netcdf,
    remove_stale_temporaries,
    write_netcdf,
    write_text,
)
from tests.helpers import ROOT

runner = CliRunner()
SCENARIO = str(ROOT / "tests" / "fixtures" / "infeasible" / "short.yaml")
LIMIT = 48 * 1024  # bytes, as the 48 KB tmpfs of the report


def _limited(limit: int = LIMIT):
    def set_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return set_limit


def _run_limited(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        preexec_fn=_limited(),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_run_under_a_file_size_limit_says_so_before_building(tmp_path: Path) -> None:
    """`ulimit -f 48` printed ~50 h5py tracebacks and segfaulted (exit 139)."""
    out = tmp_path / "out" / "short.nc"
    code = (
        "import sys; from energysim.cli.app import main; "
        f"sys.argv = ['energysim', 'run', {SCENARIO!r}, '--out', {str(out)!r}]; main()"
    )
    done = _run_limited(code, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "file size limit" in done.stderr and str(out) in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "build" not in done.stdout  # refused before the build and solve
    assert list(out.parent.iterdir()) == []


def test_write_past_a_file_size_limit_is_one_error_and_leaves_nothing(tmp_path: Path) -> None:
    """The write itself fails (EFBIG, not SIGXFSZ): one OutputError, no temporary left."""
    code = (
        "import signal, numpy as np, xarray as xr\n"
        "from energysim.errors import OutputError\n"
        "from energysim.results.netcdf import write_netcdf\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # as the energysim command does\n"
        "ds = xr.Dataset({'x': ('n', np.arange(100_000.0))})\n"
        "try:\n"
        "    write_netcdf(ds, 'big.nc')\n"
        "except OutputError as err:\n"
        "    print(err.report())\n"
    )
    done = _run_limited(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "cannot write big.nc: the file size limit (ulimit -f) was reached" in done.stdout
    assert "Traceback" not in done.stderr and "HDF5" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_full_disk_is_refused_before_the_build(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(netcdf, "free_bytes", lambda folder: 10_000)
    out = tmp_path / "short.nc"
    result = runner.invoke(app, ["run", SCENARIO, "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert f"cannot write {out}: only 9.8 KiB free" in result.output
    assert "Traceback" not in result.output and "build" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_unwritable_results_folder_is_refused_before_the_build(tmp_path: Path) -> None:
    blocker = tmp_path / "results"
    blocker.write_text("a file where the folder should be")
    result = runner.invoke(app, ["run", SCENARIO, "--out", str(blocker / "short.nc")])
    assert result.exit_code == 1, result.output
    assert "the results folder is not writable" in result.output
    assert "Traceback" not in result.output and "build" not in result.output


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_results_and_logs_get_normal_file_modes(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        nc = write_netcdf(xr.Dataset({"x": ("n", np.arange(3.0))}), tmp_path / "a.nc")
        log = write_text("done\n", tmp_path / "a.log")
    finally:
        os.umask(old)
    assert (nc.stat().st_mode & 0o777, log.stat().st_mode & 0o777) == (mode, mode)
    assert float(read_netcdf(nc)["x"][2]) == 2.0


def test_stale_temporaries_of_crashed_writers_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "plan.nc"
    dead = tmp_path / ".plan.nc.999999999.k3j2.tmp"  # pid of no process
    live = tmp_path / f".plan.nc.{os.getppid()}.a8b1.tmp"  # a running writer's
    old = tmp_path / ".plan.nc.x7q2ab.tmp"  # an older energysim's, a day old
    recent = tmp_path / ".plan.nc.y8r3cd.tmp"
    other = tmp_path / ".trend.nc.999999999.k3j2.tmp"  # another file's
    for path in (dead, live, old, recent, other):
        path.write_text("partial")
    day_ago = time.time() - 86400
    os.utime(old, (day_ago, day_ago))
    write_netcdf(xr.Dataset({"x": ("n", np.arange(3.0))}), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, live.name, recent.name, other.name]
    )
    assert remove_stale_temporaries(tmp_path / "trend.nc") == [other]
