"""Several runs side by side: the KPI table, overlay charts of CO2, coal output and the
electricity share, and what differs between two runs (scenario, inputs, results)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure

from energysim.report import fonts
from energysim.report.charts import save
from energysim.report.labels import KPIS, text

OVERLAYS = {
    "compare_co2": ("co2_emissions", None, "compare_co2_title", "co2_unit", 1.0),
    "compare_coal": ("coal_output", None, "compare_coal_title", "coal_unit", 1.0),
    "compare_share": (
        "electricity_share_final",
        "coal_equivalent",
        "compare_share_title",
        "share",
        100.0,
    ),
}


def run_name(ds: xr.Dataset, path: Path) -> str:
    return str(ds.attrs.get("scenario_name") or path.stem)


def kpi_table(runs: dict[str, xr.Dataset], lang: str = "en") -> pd.DataFrame:
    """Long-to-wide KPI table: rows (KPI, unit, run), one column per model year."""
    rows = []
    for en, zh, variable, method, unit, _ in KPIS:
        for run, ds in runs.items():
            data = ds[variable].sel({"method": method}) if method else ds[variable]
            values = dict(zip((int(y) for y in ds.year.values), data.values.tolist(), strict=True))
            rows.append({"kpi": zh if lang == "zh" else en, "unit": unit, "run": run, **values})
    table = pd.DataFrame(rows).set_index(["kpi", "unit", "run"])
    return table[sorted(table.columns)]


def format_kpis(table: pd.DataFrame) -> str:
    def cell(value: float, unit: str) -> str:
        if value != value:
            return "-"
        return f"{value:.1%}" if unit == "%" else f"{value:,.1f}"

    shown = table.copy().astype(object)
    for index, row in table.iterrows():
        shown.loc[index] = [cell(v, index[1]) for v in row]
    return shown.to_string()


def overlay_charts(
    runs: dict[str, xr.Dataset], folder: str | Path, lang: str = "en"
) -> dict[str, list[Path]]:
    folder = Path(folder)
    written = {}
    with mpl.rc_context(fonts.rc(lang)):
        for chart, (variable, method, title, unit, scale) in OVERLAYS.items():
            fig = Figure(figsize=(8, 4.8), layout="constrained")
            ax = fig.subplots()
            for run, ds in runs.items():
                data = ds[variable].sel({"method": method}) if method else ds[variable]
                ax.plot(ds.year.values, data.values * scale, "-o", label=run)
            ax.set_title(text(lang, title))
            ax.set_ylabel(text(lang, unit) + (" (%)" if scale == 100.0 else ""))
            ax.set_xlabel(text(lang, "year"))
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
            written[chart] = save(fig, folder / chart)
    return written


def scenario_differences(a: xr.Dataset, b: xr.Dataset) -> list[tuple[str, object, object]]:
    """Dotted paths where the resolved scenarios differ, with both values."""
    left = _flatten(json.loads(a.attrs.get("scenario_json", "{}")))
    right = _flatten(json.loads(b.attrs.get("scenario_json", "{}")))
    keys = sorted(set(left) | set(right))
    return [(k, left.get(k), right.get(k)) for k in keys if left.get(k) != right.get(k)]


def provenance_differences(a: xr.Dataset, b: xr.Dataset) -> list[tuple[str, object, object]]:
    keys = ("inputs_folder", "inputs_hash", "energysim_version", "highs_version", "pyomo_version")
    return [(k, a.attrs.get(k), b.attrs.get(k)) for k in keys if a.attrs.get(k) != b.attrs.get(k)]


def largest_deltas(a: xr.Dataset, b: xr.Dataset, count: int = 15) -> pd.DataFrame:
    """The largest relative differences of the yearly results both runs have."""
    rows = []
    years = sorted(set(a.year.values.tolist()) & set(b.year.values.tolist()))
    for name in sorted(set(a.data_vars) & set(b.data_vars)):
        va, vb = a[name], b[name]
        if "year" not in va.dims or va.dtype.kind != "f" or va.dims != vb.dims:
            continue
        va, vb = va.sel(year=years), vb.sel(year=years)
        if any(va.sizes[d] != vb.sizes[d] for d in va.dims):
            continue
        delta = vb - va
        scale = np.maximum(np.abs(va), np.abs(vb)).max()
        if float(scale) == 0 or not np.isfinite(float(scale)):
            continue
        where = np.unravel_index(int(np.nanargmax(np.abs(delta.values))), delta.shape)
        index = {d: str(delta[d].values[i]) for d, i in zip(delta.dims, where, strict=True)}
        change = float(delta.values[where])
        rows.append(
            {
                "variable": name,
                "at": ", ".join(f"{d}={v}" for d, v in index.items()),
                "a": float(va.values[where]),
                "b": float(vb.values[where]),
                "delta": change,
                "unit": va.attrs.get("units", ""),
                "relative": abs(change) / float(scale),
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    return table.sort_values("relative", ascending=False).head(count).reset_index(drop=True)


def _flatten(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            out |= _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return out
    return {prefix: value}
