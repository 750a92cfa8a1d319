"""`energysim compare` and `energysim diff` on two shipped scenarios."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.report.compare import OVERLAYS
from energysim.results.netcdf import read_netcdf
from tests.report_fixtures import results_file

runner = CliRunner()


def test_compare_prints_the_kpi_table_and_writes_overlay_charts(tmp_path: Path) -> None:
    plan, trend = results_file("plan"), results_file("trend")
    result = runner.invoke(app, ["compare", str(plan), str(trend), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for line in ("coal output", "CO2", "elec. share (coal-eq.)"):
        assert line in result.output
    assert "shanxi-14fyp" in result.output and "actual-trend" in result.output
    for chart in OVERLAYS:
        for fmt in ("png", "svg"):
            assert (tmp_path / f"{chart}.{fmt}").stat().st_size > 5_000
    table = pd.read_csv(tmp_path / "kpis.csv", index_col=[0, 1, 2])
    coal = read_netcdf(trend)["coal_output"].sel(year=2025)
    assert table.loc[("coal output", "Mt", "actual-trend"), "2025"] == pytest.approx(float(coal))


def test_compare_needs_two_files() -> None:
    result = runner.invoke(app, ["compare", str(results_file("plan"))])
    assert result.exit_code == 2
    assert "at least two" in result.output


def test_diff_names_scenario_changes_and_result_deltas() -> None:
    result = runner.invoke(app, ["diff", str(results_file("plan")), str(results_file("trend"))])
    assert result.exit_code == 0, result.output
    assert "targets.coal_output.2025.max: 1050.0 -> 1320.0" in result.output
    assert "targets.co2_peak_year: 2030 -> None" in result.output
    assert "largest result differences" in result.output


def test_compare_writes_into_results_by_default(tmp_path: Path, monkeypatch) -> None:
    """Not a `comparison/` folder in whatever directory the user stands in."""
    plan, trend = results_file("plan"), results_file("trend")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["compare", str(plan), str(trend)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "results" / "comparison" / "kpis.csv").is_file()
    assert not (tmp_path / "comparison").exists()
