"""`energysim run`: results file, exit codes, atomic writes, determinism."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.results.netcdf import read_netcdf
from tests.helpers import ROOT

runner = CliRunner()
PLAN = str(ROOT / "scenarios" / "shanxi-14fyp.yaml")
SHORT = ["--set", "years=[2020, 2025, 2030]"]


def test_plan_case_as_stated_is_infeasible_and_says_which_target(tmp_path: Path) -> None:
    out = tmp_path / "plan.nc"
    result = runner.invoke(app, ["run", PLAN, *SHORT, "--out", str(out)])
    assert result.exit_code == 3
    assert "shanxi-14fyp.yaml:13:5  targets.cbm_output_min.2025: 25 bcm cannot be reached" in (
        result.output
    )
    assert not out.exists()


def test_run_writes_results_meeting_every_2025_target(tmp_path: Path) -> None:
    """The README's main command: the Outline's 40 % electricity share on the calorific method
    cannot be met (a finding); stress mode says by how much and the other targets hold."""
    out = tmp_path / "plan.nc"
    result = runner.invoke(
        app,
        [
            "run",
            PLAN,
            *SHORT,
            "--set",
            "targets.cbm_output_min.2025=20",
            "--stress",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "coal output" in result.output and "results written" in result.output
    results = read_netcdf(out)
    ds = results.sel(year=2025)
    assert 950 - 1e-6 <= float(ds["coal_output"]) <= 1050 + 1e-6
    assert float(ds["cbm_output"]) >= 20 - 1e-6
    assert 50 - 1e-6 <= float(ds["export_capacity"]) <= 60 + 1e-6
    assert float(ds["non_fossil_share"]) >= 0.12 - 1e-6
    calorific = float(ds["electricity_share_final"].sel({"method": "calorific"}))
    missed = results["target_violation"].to_series()
    assert missed["electricity_share_min[2025]"] == pytest.approx(0.40 - calorific, abs=1e-6)
    assert 0.01 < missed["electricity_share_min[2025]"] < 0.15
    assert (missed.drop("electricity_share_min[2025]") < 1e-6).all(), missed
    assert "electricity_share_min[2025]" in result.output and "missed" in result.output
    assert not list(tmp_path.glob("*.tmp")), "temporary file left behind"


def test_failed_run_keeps_the_old_results_file(tmp_path: Path) -> None:
    out = tmp_path / "plan.nc"
    out.write_bytes(b"previous results")
    result = runner.invoke(
        app,
        [
            "run",
            PLAN,
            *SHORT,
            "--set",
            "targets.co2_cap.2030=1",
            "--set",
            "targets.cbm_output_min.2025=20",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 3, result.output
    assert "infeasible" in result.output
    assert out.read_bytes() == b"previous results"


def test_bad_input_exits_2_without_traceback() -> None:
    result = runner.invoke(app, ["run", PLAN, "--set", "targets.co2_cap.2030=-5"])
    assert result.exit_code == 2
    assert "--set:1:1  targets.co2_cap.2030" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("hash_seed", ["1", "4242"])
def test_same_scenario_same_result_whatever_the_hash_seed(tmp_path: Path, hash_seed: str) -> None:
    reference = tmp_path / "reference.nc"
    runner.invoke(
        app,
        [
            "run",
            PLAN,
            *SHORT,
            "--set",
            "targets.cbm_output_min.2025=20",
            "--stress",
            "--out",
            str(reference),
        ],
    )
    out = tmp_path / f"seed{hash_seed}.nc"
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "energysim.cli.app",
            "run",
            PLAN,
            *SHORT,
            "--set",
            "targets.cbm_output_min.2025=20",
            "--stress",
            "--out",
            str(out),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    a, b = read_netcdf(reference), read_netcdf(out)
    for name in ("solve_seconds",):
        a.attrs.pop(name), b.attrs.pop(name)
    xr.testing.assert_identical(a, b)
