"""Charts of one results file (matplotlib, written as PNG and SVG), English or Chinese labels.

Figures are made with `matplotlib.figure.Figure` (no pyplot state), so charts can be drawn in
any process without a display.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib as mpl
import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from energysim.inputs.timeslices import SEASONS
from energysim.report import fonts
from energysim.report.labels import (
    CARRIER_NAMES,
    CBM_TARGET_BCM,
    COAL_BAND_MT,
    ELECTRICITY_SHARE_TARGET,
    EXPORT_BAND_GW,
    name,
    text,
)
from energysim.report.output import atomic_path
from energysim.report.pathway import co2_by_sector
from energysim.report.targets import scenario_of

FORMATS = ("png", "svg")
COLORS = {
    "coal": "#4d4d4d",
    "coal_ccs": "#7f7f7f",
    "gas": "#e6873c",
    "oil": "#a0522d",
    "hydro": "#3b75af",
    "wind": "#6fb7d6",
    "solar": "#f2c12e",
    "biomass": "#5b9c45",
    "storage": "#9467bd",
    "other": "#c7c7c7",
    "electricity": "#3b75af",
    "heat": "#d62728",
    "hydrogen": "#17becf",
    "power_heat": "#4d4d4d",
    "final": "#8c6d31",
    "coal_to_coking": "#b5651d",
    "coal_to_chemicals": "#c49c94",
    "coal_shipped_out": "#9edae5",
    "industry": "#8c564b",
    "buildings": "#e377c2",
    "transport": "#bcbd22",
    "process": "#aec7e8",
}
GROUP_ORDER = ("coal", "coal_ccs", "gas", "biomass", "hydro", "wind", "solar", "storage", "other")


def technology_group(technology: str, fuel: str, kind: str) -> str:
    if kind == "storage":
        return "storage"
    if fuel == "coal":
        return "coal_ccs" if "ccs" in technology else "coal"
    if fuel in ("gas", "biomass"):
        return fuel
    return technology if technology in ("hydro", "wind", "solar") else "other"


def by_group(ds: xr.Dataset, variable: str) -> dict[str, np.ndarray]:
    groups = [
        technology_group(str(t), str(f), str(k))
        for t, f, k in zip(
            ds.technology.values, ds.technology_fuel.values, ds.technology_kind.values, strict=True
        )
    ]
    data = ds[variable].values  # (technology, year)
    out = {g: data[[i for i, x in enumerate(groups) if x == g]].sum(axis=0) for g in set(groups)}
    return {g: out[g] for g in GROUP_ORDER if g in out}


def _years(ds: xr.Dataset) -> np.ndarray:
    return np.asarray(ds.year.values, dtype=int)


def _stack(
    ax: Axes,
    years: np.ndarray,
    series: dict[str, np.ndarray],
    lang: str,
    labels: dict[str, str] | None = None,
) -> None:
    labels = labels or {}
    width = 0.8 * (np.min(np.diff(years)) if len(years) > 1 else 1)
    bottom = np.zeros(len(years))
    for key, values in series.items():
        if np.allclose(values, 0):
            continue
        ax.bar(
            years,
            values,
            width,
            bottom=bottom,
            color=COLORS.get(key),
            label=labels.get(key) or name(lang, key),
        )
        bottom = bottom + values
    ax.set_xticks(years)


def _targets(ds: xr.Dataset) -> dict:
    return scenario_of(ds).get("targets", {})


def capacity_mix(ds: xr.Dataset, lang: str) -> Figure:
    fig, ax = _figure()
    _stack(ax, _years(ds), by_group(ds, "capacity"), lang)
    _finish(ax, lang, "capacity_title", "capacity_unit")
    return fig


def generation_mix(ds: xr.Dataset, lang: str) -> Figure:
    fig, ax = _figure()
    years = _years(ds)
    series = {k: v for k, v in by_group(ds, "generation").items() if k != "storage"}
    _stack(ax, years, series, lang)
    ax.plot(years, ds["electricity_exported"].values, "k--o", label=text(lang, "exported_line"))
    _finish(ax, lang, "generation_title", "generation_unit")
    return fig


def coal_balance(ds: xr.Dataset, lang: str) -> Figure:
    fig, ax = _figure()
    years = _years(ds)
    uses = {str(k): ds["coal_use"].sel(coal_flow=k).values for k in ds.coal_flow.values}
    _stack(ax, years, uses, lang)
    ax.plot(years, ds["coal_output"].values, "k-o", label=text(lang, "coal_output"))
    ax.axhspan(*COAL_BAND_MT, color="#2ca02c", alpha=0.15, label=text(lang, "coal_band"))
    for year, band in _targets(ds).get("coal_output", {}).items():
        for side in ("min", "max"):
            if band.get(side) is not None:
                ax.plot(int(year), band[side], "v" if side == "max" else "^", color="#2ca02c")
    _finish(ax, lang, "coal_title", "coal_unit")
    return fig


def cbm_output(ds: xr.Dataset, lang: str) -> Figure:
    fig, ax = _figure()
    years = _years(ds)
    ax.plot(
        years, ds["cbm_output"].values, "-o", color=COLORS["gas"], label=text(lang, "cbm_output")
    )
    ax.axhline(CBM_TARGET_BCM, color="#2ca02c", ls="--", label=text(lang, "cbm_target"))
    targets = _targets(ds).get("cbm_output_min", {})
    if targets:
        ax.plot(
            [int(y) for y in targets],
            list(targets.values()),
            "^",
            color="#d62728",
            label=text(lang, "scenario_target"),
        )
    ax.set_xticks(years)
    ax.set_ylim(bottom=0)
    _finish(ax, lang, "cbm_title", "cbm_unit")
    return fig


def exports(ds: xr.Dataset, lang: str) -> Figure:
    fig, ax = _figure()
    years = _years(ds)
    width = 0.6 * (np.min(np.diff(years)) if len(years) > 1 else 1)
    ax.bar(
        years,
        ds["export_capacity"].values,
        width,
        color=COLORS["electricity"],
        label=text(lang, "export_capacity"),
    )
    ax.axhspan(*EXPORT_BAND_GW, color="#2ca02c", alpha=0.2, label=text(lang, "export_band"))
    ax.set_xticks(years)
    ax.set_ylabel("GW")
    energy = ax.twinx()
    energy.plot(years, ds["electricity_exported"].values, "k--o", label=text(lang, "export_energy"))
    energy.set_ylabel("TWh")
    energy.set_ylim(bottom=0)
    _finish(ax, lang, "export_title", None, extra=energy)
    return fig


def final_energy(ds: xr.Dataset, lang: str) -> Figure:
    fig, ax = _figure()
    years = _years(ds)
    carriers = ds["final_energy"].sum("sector")
    series = {str(c): carriers.sel(carrier=c).values for c in carriers.carrier.values}
    _stack(ax, years, series, lang, labels=CARRIER_NAMES[lang])
    share = ax.twinx()
    for method, style in (("calorific", "-o"), ("coal_equivalent", "-s")):
        values = ds["electricity_share_final"].sel({"method": method}).values * 100
        share.plot(
            years,
            values,
            style,
            color="#1f1f7a" if method == "calorific" else "#d62728",
            label=text(lang, f"share_{method}"),
        )
    share.axhline(
        ELECTRICITY_SHARE_TARGET * 100, color="#2ca02c", ls="--", label=text(lang, "share_target")
    )
    share.set_ylabel(f"{text(lang, 'share_unit')} (%)")
    share.set_ylim(0, 100)
    _finish(ax, lang, "final_title", "final_unit", extra=share)
    return fig


def co2(ds: xr.Dataset, lang: str) -> Figure:
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    by_fuel, by_sector = fig.subplots(1, 2, sharey=True)
    years = _years(ds)
    fuels = ds["co2_power_heat"] + ds["co2_final"].sum("sector")
    series = {str(f): fuels.sel(fuel=f).values for f in fuels.fuel.values}
    coking = ds["co2_coking"].values if "co2_coking" in ds else 0.0  # coke-oven gas: coal
    series["coal"] = series["coal"] + coking
    series["process"] = ds["co2_process"].values
    _stack(by_fuel, years, series, lang, labels=CARRIER_NAMES[lang])
    _stack(by_sector, years, co2_by_sector(ds), lang)
    targets = _targets(ds)
    for ax, key in ((by_fuel, "co2_by_fuel"), (by_sector, "co2_by_sector")):
        ax.plot(years, ds["co2_emissions"].values, "k-o", lw=1)
        ax.axvline(
            int(ds.attrs["co2_peak_year"]),
            color="#d62728",
            ls="--",
            label=f"{text(lang, 'peak_year')}: {ds.attrs['co2_peak_year']}",
        )
        if targets.get("co2_peak_year") is not None:
            ax.axvline(
                targets["co2_peak_year"],
                color="#2ca02c",
                ls=":",
                label=f"{text(lang, 'peak_target')}: {targets['co2_peak_year']}",
            )
        caps = targets.get("co2_cap", {})
        if caps:
            ax.plot(
                [int(y) for y in caps],
                list(caps.values()),
                "v",
                color="#d62728",
                ms=9,
                label=text(lang, "co2_cap"),
            )
        ax.set_title(text(lang, key))
        ax.legend(fontsize=7, loc="lower left")
        ax.set_xlabel(text(lang, "year"))
    by_fuel.set_ylabel(text(lang, "co2_unit"))
    fig.suptitle(text(lang, "co2_title"))
    return fig


def marginal_price(ds: xr.Dataset, lang: str) -> Figure:
    """The price of every slice as steps as wide as the slice's hours (a representative day's
    segments keep their lengths), the slices grouped by season (representative days come in
    calendar order of their clusters, so the seasons would alternate)."""
    fig, ax = _figure()
    price = ds["marginal_electricity_price"]
    n = price.sizes["slice"]
    seasons = [str(s) for s in ds.slice_season.values] if "slice_season" in ds.coords else []
    rank = [SEASONS.index(s) if s in SEASONS else len(SEASONS) for s in seasons]
    order = np.argsort(rank, kind="stable") if seasons else np.arange(n)
    hours = ds["slice_duration"].values[order] if "slice_duration" in ds.coords else np.ones(n)
    edges = np.concatenate([[0.0], np.cumsum(hours)])
    cmap = mpl.colormaps["viridis"]
    for i, year in enumerate(_years(ds)):
        ax.stairs(
            price.sel(year=year).values[order],
            edges,
            color=cmap(i / max(len(ds.year) - 1, 1)),
            label=str(year),
            lw=1.2,
            baseline=None,
        )
    if seasons:
        ordered = [seasons[i] for i in order]
        starts = [i for i in range(n) if i == 0 or ordered[i] != ordered[i - 1]]
        for start in starts[1:]:
            ax.axvline(edges[start], color="#999999", lw=0.8)
        ends = [*starts[1:], n]
        ax.set_xticks([(edges[a] + edges[b]) / 2 for a, b in zip(starts, ends, strict=True)])
        ax.set_xticklabels([name(lang, ordered[a]) for a in starts])
    ax.set_xlabel(text(lang, "slice_axis"))
    _finish(ax, lang, "price_title", "price_unit", xlabel=False)
    return fig


CHARTS: dict[str, Callable[[xr.Dataset, str], Figure]] = {
    "capacity_mix": capacity_mix,
    "generation_mix": generation_mix,
    "coal_balance": coal_balance,
    "cbm_output": cbm_output,
    "exports": exports,
    "final_energy": final_energy,
    "co2": co2,
    "marginal_price": marginal_price,
}


def charts_for(ds: xr.Dataset) -> dict[str, Callable[[xr.Dataset, str], Figure]]:
    """The charts of a results file: every run's, and the back-cast panels where it has
    statistics to compare with."""
    from energysim.report.history import compared_statistics, history_panels

    return {**CHARTS, "history": history_panels} if compared_statistics(ds) else dict(CHARTS)


def write_charts(ds: xr.Dataset, folder: str | Path, lang: str = "en") -> dict[str, list[Path]]:
    """Every chart as PNG and SVG in `folder`; returns chart name -> files."""
    folder = Path(folder)
    written: dict[str, list[Path]] = {}
    with mpl.rc_context(fonts.rc(lang)):
        for chart, draw in charts_for(ds).items():
            written[chart] = save(draw(ds, lang), folder / chart)
    return written


def save(fig: Figure, stem: Path) -> list[Path]:
    paths = []
    for fmt in FORMATS:
        path = stem.with_suffix(f".{fmt}")
        with atomic_path(path) as temporary:
            fig.savefig(temporary, format=fmt, dpi=110)
        paths.append(path)
    return paths


def _figure() -> tuple[Figure, Axes]:
    fig = Figure(figsize=(8, 4.8), layout="constrained")
    return fig, fig.subplots()


def _finish(
    ax: Axes,
    lang: str,
    title: str,
    unit: str | None,
    extra: Axes | None = None,
    xlabel: bool = True,
) -> None:
    ax.set_title(text(lang, title))
    if unit:
        ax.set_ylabel(text(lang, unit))
    if xlabel:
        ax.set_xlabel(text(lang, "year"))
    handles, labels = ax.get_legend_handles_labels()
    if extra is not None:
        more, more_labels = extra.get_legend_handles_labels()
        handles, labels = handles + more, labels + more_labels
    ax.legend(handles, labels, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=4)
    ax.grid(axis="y", alpha=0.3)
