"""`energysim report` on a sweep file: fan charts, the peak-year histogram, the page with the
probability of every target, in English and Chinese."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.report import fonts
from energysim.report.charts import FORMATS
from energysim.report.sweep import SWEEP_CHARTS, fan_co2, peak_year_histogram
from energysim.results.netcdf import read_netcdf, write_netcdf
from tests.helpers import ROOT
from tests.report_fixtures import SHORT, results_file

runner = CliRunner()


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny sweep of the plan case: 24 samples over the short horizon's plan."""
    out = tmp_path_factory.mktemp("sweep") / "sweep.nc"
    args = [
        "sweep",
        str(ROOT / "scenarios" / "sweep-14fyp.yaml"),
        *("--samples", "24", "--seed", "5", "--plan", str(results_file("plan"))),
        *("--set", SHORT),
        *("--out", str(out), "--no-progress"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def sweep(sweep_file: Path):
    return read_netcdf(sweep_file)


@pytest.fixture(scope="module", params=["en", "zh"])
def sweep_report(request, sweep_file: Path, tmp_path_factory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp(f"sweep-report-{request.param}")
    result = runner.invoke(
        app, ["report", str(sweep_file), "--lang", request.param, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return request.param, out


def test_sweep_report_writes_every_chart_with_content(sweep_report, sweep) -> None:
    _, folder = sweep_report
    for chart in SWEEP_CHARTS:
        for fmt in FORMATS:
            path = folder / f"{chart}.{fmt}"
            assert path.is_file(), path
            assert path.stat().st_size > 5_000, path
    assert (folder / "sweep_co2.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = pd.read_csv(folder / "target_probabilities.csv")
    assert list(table["target"]) == [str(t) for t in sweep.target.values]
    np.testing.assert_allclose(table["probability"], sweep["target_probability"].values)
    assert (table["samples"] == 24).all()


def test_sweep_page_embeds_every_chart_and_lists_each_target_probability(
    sweep_report, sweep
) -> None:
    lang, folder = sweep_report
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert '<img src="http' not in page and 'src="/' not in page  # nothing outside the page
    for chart in SWEEP_CHARTS:
        figure = re.search(rf'<figure id="chart-{chart}"[^>]*><svg.*?</svg></figure>', page, re.S)
        assert figure, chart
    assert len(sweep.target) == 6  # plan case: share, 2 non-fossil, peak, coal, CBM
    for target, p in zip(sweep.target.values, sweep["target_probability"].values, strict=True):
        name = str(target).replace(">", "&gt;").replace("<", "&lt;")
        row = re.search(rf"<tr><td>{re.escape(name)}</td>(.*?)</tr>", page, re.S)
        assert row, target
        met = round(float(p) * 24)
        assert f"<td>{float(p):.1%}</td><td>{met} / 24</td>" in row.group(1)
    assert ("各目标达成概率" if lang == "zh" else "Probability of meeting each target") in page


def test_fan_chart_median_and_peak_histogram_follow_the_samples(sweep) -> None:
    median = fan_co2(sweep, "en").axes[0].lines[0].get_ydata()
    np.testing.assert_allclose(median, np.median(sweep["co2_emissions"].values, axis=0))
    bars = [p.get_height() for p in peak_year_histogram(sweep, "en").axes[0].patches]
    peaks = sweep["co2_peak_year"].values
    expected = [100 * np.mean(peaks == y) for y in sweep.year.values]
    np.testing.assert_allclose(bars, expected)
    assert sum(bars) == pytest.approx(100)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sweep_charts_render_without_missing_glyphs(sweep, lang: str) -> None:
    with warnings.catch_warnings(record=True) as caught, mpl.rc_context(fonts.rc(lang)):
        warnings.simplefilter("always")
        for draw in SWEEP_CHARTS.values():
            draw(sweep, lang).savefig(io.BytesIO(), format="png")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]


def test_run_only_commands_refuse_a_sweep_and_a_sweep_needs_its_probabilities(
    sweep_file: Path, sweep, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["export", str(sweep_file), "--format", "csv"])
    assert result.exit_code == 2
    assert "sweep results file" in result.output and "Traceback" not in result.output
    partial = write_netcdf(sweep.drop_vars("target_probability"), tmp_path / "partial.nc")
    result = runner.invoke(app, ["report", str(partial), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "missing target_probability" in result.output
