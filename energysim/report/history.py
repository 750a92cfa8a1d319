"""The model against history in a report: one panel per statistic (model line, statistic
markers) and the 2025 table of plan targets, this scenario's targets, the model and the actual
outcome."""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from energysim.report.labels import (
    CBM_TARGET_BCM,
    COAL_BAND_MT,
    ELECTRICITY_SHARE_TARGET,
    EXPORT_BAND_GW,
    PLAN_ROWS,
    STATISTIC_NAMES,
    text,
)
from energysim.report.targets import scenario_of
from energysim.results.history import group_total

# Targets of the carbon-peak implementation plan for 2025 (晋政发〔2022〕29号, SOURCES.md)
NON_FOSSIL_TARGET_2025 = 0.12
CLEAN_CAPACITY_TARGET_2025 = 0.50
PLAN_YEAR = 2025


def compared_statistics(ds: xr.Dataset) -> list[str]:
    """Statistics with a model counterpart and at least one value in the model years."""
    if "history_model" not in ds:
        return []
    both = np.isfinite(ds["history"].values) & np.isfinite(ds["history_model"].values)
    return [str(n) for n, row in zip(ds.statistic.values, both, strict=True) if row.any()]


def history_panels(ds: xr.Dataset, lang: str) -> Figure:
    """One small panel per statistic: the model's line and the statistics as markers (filled
    in-sample, open out-of-sample, grey squares where the scenario held it to history)."""
    names = compared_statistics(ds)
    columns = 4
    rows = max(1, math.ceil(len(names) / columns))
    fig = Figure(figsize=(12, 2.6 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    years = np.asarray(ds.year.values, dtype=int)
    for ax, statistic in zip(axes, names, strict=False):
        row = ds.sel(statistic=statistic)
        ax.plot(years, row["history_model"].values, color="#3b75af", label=text(lang, "model_line"))
        value = row["history"].values
        held = row["history_fixed"].values.astype(bool)
        inside = row["history_in_sample"].values.astype(bool) & ~held
        kinds = (
            (inside, "statistic_in", "o", "black"),
            (~inside & ~held, "statistic_out", "o", "white"),
            (held, "statistic_held", "s", "#bbbbbb"),
        )
        for mask, key, marker, face in kinds:
            chosen = mask & np.isfinite(value)
            ax.plot(
                years[chosen],
                value[chosen],
                marker,
                linestyle="none",
                markerfacecolor=face,
                markeredgecolor="black",
                label=text(lang, key),
            )
        ax.set_title(STATISTIC_NAMES[lang].get(statistic, statistic), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_xticks(years)
        ax.grid(alpha=0.3)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    if names:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=4, fontsize=8)
    fig.suptitle(text(lang, "history_title"))
    return fig


def plan_vs_actual(ds: xr.Dataset, lang: str) -> list[list[str]]:
    """Rows: indicator, plan target, this scenario's 2025 target, model 2025, actual 2025."""
    if PLAN_YEAR not in ds.year.values:
        return []
    at = ds.sel(year=PLAN_YEAR)
    targets = scenario_of(ds).get("targets", {})
    none = text(lang, "no_official")

    def actual(*statistics: str) -> str:
        for statistic in statistics:
            if "history" in ds and statistic in ds.statistic.values:
                value = float(ds["history"].sel(statistic=statistic, year=PLAN_YEAR))
                if value == value:
                    return f"{value:.4g}"
        return none

    def band(key: str) -> str:
        entry = (targets.get(key) or {}).get(str(PLAN_YEAR))  # JSON keys are strings
        if not entry:
            return "-"
        low, high = (f"{entry[k]:g}" if entry.get(k) is not None else "" for k in ("min", "max"))
        return f"{low}-{high}" if low and high else (f">= {low}" if low else f"<= {high}")

    def scenario_value(key: str, percent: bool = False, method: str | None = None) -> str:
        entry = targets.get(key) or {}
        if method is not None and entry.get("method", "calorific") != method:
            return "-"
        entry = entry.get("min", entry)
        value = entry.get(str(PLAN_YEAR))
        if value is None:
            return "-"
        return f"{100 * float(value):.0f} %" if percent else f"{float(value):.4g}"

    share = ds["electricity_share_final"].sel(year=PLAN_YEAR)
    clean_share = float(
        (group_total(ds, "capacity", "new_and_clean") / group_total(ds, "capacity", "total")).sel(
            year=PLAN_YEAR
        )
    )
    clean_actual = actual("capacity_new_and_clean")
    if clean_actual != none:
        clean_actual = f"{100 * float(clean_actual) / float(actual('capacity_total')):.1f} %"
    rows = [
        (
            "coal",
            f"{COAL_BAND_MT[0]:.0f}-{COAL_BAND_MT[1]:.0f}",
            band("coal_output"),
            f"{float(at['coal_output']):.0f}",
            actual("raw_coal_output"),
        ),
        (
            "gas",
            f"{CBM_TARGET_BCM:.0f}",
            scenario_value("cbm_output_min"),
            f"{float(at['cbm_output']):.1f}",
            actual("natural_gas_output", "unconventional_gas_output"),
        ),
        (
            "export",
            f"{EXPORT_BAND_GW[0]:.0f}-{EXPORT_BAND_GW[1]:.0f}",
            band("export_capacity"),
            f"{float(at['export_capacity']):.1f}",
            actual("export_capability_all_channels"),
        ),
        (
            "share_cal",
            f"{100 * ELECTRICITY_SHARE_TARGET:.0f} %",
            scenario_value("electricity_share_final", percent=True, method="calorific"),
            f"{100 * float(share.sel({'method': 'calorific'})):.1f} %",
            none,
        ),
        (
            "share_coal",
            f"{100 * ELECTRICITY_SHARE_TARGET:.0f} %",
            scenario_value("electricity_share_final", percent=True, method="coal_equivalent"),
            f"{100 * float(share.sel({'method': 'coal_equivalent'})):.1f} %",
            none,
        ),
        (
            "non_fossil",
            f"{100 * NON_FOSSIL_TARGET_2025:.0f} %",
            scenario_value("non_fossil_share_min", percent=True),
            f"{100 * float(at['non_fossil_share']):.1f} %",
            none,
        ),
        (
            "clean_capacity",
            f"{100 * CLEAN_CAPACITY_TARGET_2025:.0f} %",
            "-",
            f"{100 * clean_share:.1f} %",
            clean_actual,
        ),
        (
            "co2",
            "-",
            scenario_value("co2_cap"),
            f"{float(at['co2_emissions']):.0f}",
            actual("co2_emissions"),
        ),
    ]
    column = 1 if lang == "zh" else 0
    return [[PLAN_ROWS[key][column], *cells] for key, *cells in rows]
