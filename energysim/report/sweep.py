"""Report of a sweep results file (`energysim sweep`, a `sample` dimension): fan charts of CO2
and the KPIs over the years, a histogram of the CO2 peak year, and one HTML page with the
probability of meeting each target, in English or Chinese.

Quantiles are those of `energysim.sweep.summary` (5, 25, 50, 75 and 95 % of the samples),
computed here from the samples, so a report reads any sweep file that holds them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from energysim.report import fonts
from energysim.report.charts import _figure, _finish, save
from energysim.report.html import _e, _table, embedded_charts, page
from energysim.report.labels import SWEEP_KPIS, text
from energysim.report.output import write_text
from energysim.sweep.summary import QUANTILES

SETTINGS = ("samples", "seed", "sampler", "precision", "plan_source", "scenario_hash", "plan")
BAND_COLOR = "#3b75af"


def quantiles(values: xr.DataArray) -> xr.DataArray:
    """(quantile, year) over the samples, at the summary's quantiles."""
    return values.quantile(list(QUANTILES), dim="sample")


def _fan(ax: Axes, values: xr.DataArray, lang: str, scale: float = 1.0) -> None:
    q = quantiles(values) * scale
    years = np.asarray(values.year.values, dtype=int)
    low, inner_low, median, inner_high, high = (q.sel(quantile=p).values for p in QUANTILES)
    outer, inner = text(lang, "band_outer"), text(lang, "band_inner")
    ax.fill_between(years, low, high, color=BAND_COLOR, alpha=0.2, lw=0, label=outer)
    ax.fill_between(years, inner_low, inner_high, color=BAND_COLOR, alpha=0.45, lw=0, label=inner)
    ax.plot(years, median, "-o", color="#1f3d5c", ms=3, label=text(lang, "median"))
    ax.set_xticks(years)
    ax.grid(axis="y", alpha=0.3)


def fan_co2(ds: xr.Dataset, lang: str) -> Figure:
    fig, ax = _figure()
    _fan(ax, ds["co2_emissions"], lang)
    ax.set_ylim(bottom=0)
    _finish(ax, lang, "fan_co2_title", "co2_unit")
    return fig


def fan_kpis(ds: xr.Dataset, lang: str) -> Figure:
    panels = [k for k in SWEEP_KPIS if k[2] in ds]
    columns = 4
    rows = -(-len(panels) // columns)
    fig = Figure(figsize=(13, 3.2 * rows + 0.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    for ax, (en, zh, variable, method, unit, scale) in zip(axes, panels, strict=False):
        values = ds[variable].sel({"method": method}) if method else ds[variable]
        _fan(ax, values, lang, scale)
        ax.set_title(zh if lang == "zh" else en, fontsize=10)
        ax.set_ylabel(unit)
        ax.tick_params(axis="x", labelsize=7, rotation=45)
        ax.set_ylim(bottom=0)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=8)
    fig.suptitle(text(lang, "fan_kpis_title"))
    return fig


def peak_year_histogram(ds: xr.Dataset, lang: str) -> Figure:
    """Share of samples peaking in each model year, and the share that has peaked by then."""
    fig, ax = _figure()
    years = np.asarray(ds.year.values, dtype=int)
    peaks = np.asarray(ds["co2_peak_year"].values, dtype=int)
    share = np.array([np.mean(peaks == y) for y in years]) * 100
    width = 0.8 * (np.min(np.diff(years)) if len(years) > 1 else 1)
    ax.bar(years, share, width, color=BAND_COLOR, label=text(lang, "share_of_samples"))
    ax.plot(years, np.cumsum(share), "-o", color="#d62728", label=text(lang, "peaked_by"))
    ax.set_xticks(years)
    ax.set_ylim(0, 105)
    _finish(ax, lang, "peak_hist_title", "share_of_samples")
    return fig


SWEEP_CHARTS: dict[str, Callable[[xr.Dataset, str], Figure]] = {
    "sweep_co2": fan_co2,
    "sweep_kpis": fan_kpis,
    "sweep_peak_year": peak_year_histogram,
}


def target_table(ds: xr.Dataset) -> pd.DataFrame:
    """Each target of the swept scenario: its probability and how many samples meet it."""
    p = ds["target_probability"]
    n = ds.sizes["sample"]
    return pd.DataFrame(
        {
            "target": [str(t) for t in p.target.values],
            "probability": p.values.astype(float),
            "samples_meeting": np.rint(p.values * n).astype(int),
            "samples": n,
        }
    )


def sweep_html(ds: xr.Dataset, lang: str = "en") -> str:
    """The page of a sweep as a string; charts are drawn here and embedded as SVG."""
    scenario = str(ds.attrs.get("title", "")).removeprefix("energysim sweep: ")
    title = f"{text(lang, 'sweep_title')}: {scenario}"
    parts = [f"<h1>{_e(title)}</h1>", f"<h2>{_e(text(lang, 'sweep_settings'))}</h2>"]
    parts.append(_table(["", ""], [[k, str(ds.attrs[k])] for k in SETTINGS if k in ds.attrs]))

    parts.append(f"<h2>{_e(text(lang, 'probabilities'))}</h2>")
    header = [text(lang, k) for k in ("target", "probability", "samples_meeting")]
    rows = [
        [r.target, f"{r.probability:.1%}", f"{r.samples_meeting} / {r.samples}"]
        for r in target_table(ds).itertuples()
    ]
    parts.append(_table(header, rows))

    parts.append(f"<h2>{_e(text(lang, 'co2_quantiles'))}</h2>")
    q = quantiles(ds["co2_emissions"])
    rows = [
        [str(int(y)), *(f"{float(q.sel(year=y, quantile=p)):.1f}" for p in QUANTILES)]
        for y in ds.year.values
    ]
    parts.append(_table([text(lang, "year"), *(f"{p:.0%}" for p in QUANTILES)], rows))

    parts.append(f"<h2>{_e(text(lang, 'charts'))}</h2>")
    parts += embedded_charts(ds, lang, SWEEP_CHARTS)

    inputs = sorted(v for v in ds.data_vars if v.startswith("input_"))
    if inputs:
        parts.append(f"<h2>{_e(text(lang, 'sampled_inputs'))}</h2>")
        rows = [
            [
                v.removeprefix("input_"),
                *(f"{float(ds[v].quantile(p, dim='sample')):.3f}" for p in QUANTILES),
            ]
            for v in inputs
        ]
        parts.append(_table([text(lang, "parameter"), *(f"{p:.0%}" for p in QUANTILES)], rows))
    return page(title, parts, lang)


def write_sweep_report(ds: xr.Dataset, folder: str | Path, lang: str = "en") -> Path:
    """Charts (PNG, SVG), target_probabilities.csv and report.html in `folder`."""
    folder = Path(folder)
    with mpl.rc_context(fonts.rc(lang)):
        for chart, draw in SWEEP_CHARTS.items():
            save(draw(ds, lang), folder / chart)
    write_text(folder / "target_probabilities.csv", target_table(ds).to_csv(index=False))
    return write_text(folder / "report.html", sweep_html(ds, lang))
