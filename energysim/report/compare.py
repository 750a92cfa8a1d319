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


MEMO_YEAR = 2030
# Memo rows: key -> (label en, label zh)
MEMO_ROWS = {
    "peak": ("CO2 peak year", "碳达峰年份"),
    "co2": ("CO2 2030 (Mt)", "2030年二氧化碳 (百万吨)"),
    "coal": ("coal output 2030 (Mt)", "2030年原煤产量 (百万吨)"),
    "gas": ("gas output 2030 (bcm)", "2030年天然气产量 (十亿立方米)"),
    "wind_solar": ("new wind + solar 2026-2030 (GW)", "2026-2030年新增风光装机 (吉瓦)"),
    "non_fossil": ("non-fossil share 2030", "2030年非化石能源占比"),
    "exported": ("electricity exported 2030 (TWh)", "2030年外送电量 (太瓦时)"),
    "cost": ("cost vs the first run (bn CNY, discounted)", "相对首个情景的成本 (十亿元，折现)"),
}


def memo_table(runs: dict[str, xr.Dataset], lang: str = "en") -> pd.DataFrame:
    """One row per run, the questions of the 15th Five-Year Plan period as columns: peak year,
    2030 CO2, coal and gas output, wind and solar built 2026-2030, non-fossil share, exports,
    and the discounted cost (net of revenue, what the model minimises) against the first run."""
    first = next(iter(runs.values()))

    def cost(ds: xr.Dataset) -> float:
        return float(ds["net_cost"] if "net_cost" in ds else ds["total_cost"])

    rows = {}
    for run, ds in runs.items():
        at = ds.sel(year=MEMO_YEAR) if MEMO_YEAR in ds.year.values else None
        built = ds["new_capacity"].sel(technology=["wind", "solar"])
        window = [int(y) for y in ds.year.values if 2025 < int(y) <= MEMO_YEAR]
        value = {
            "peak": str(ds.attrs.get("co2_peak_year", "-")),
            "co2": None if at is None else float(at["co2_emissions"]),
            "coal": None if at is None else float(at["coal_output"]),
            "gas": None if at is None else float(at["cbm_output"]),
            "wind_solar": float(built.sel(year=window).sum()) if window else None,
            "non_fossil": None if at is None else float(at["non_fossil_share"]),
            "exported": None if at is None else float(at["electricity_exported"]),
            "cost": (cost(ds) - cost(first)) / 1e9,
        }
        rows[run] = value
    column = 1 if lang == "zh" else 0
    table = pd.DataFrame.from_dict(rows, orient="index")
    return table.rename(columns={k: v[column] for k, v in MEMO_ROWS.items()})


def format_memo(table: pd.DataFrame) -> str:
    """The memo table as Markdown, ready to paste."""

    def cell(column: str, value: object) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return "-"
        if "share" in column or "占比" in column:
            return f"{float(value):.1%}"
        if isinstance(value, float):
            return f"{value:,.1f}"
        return str(value)

    header = ["", *table.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for run, row in table.iterrows():
        lines.append(
            "| " + " | ".join([str(run), *(cell(c, row[c]) for c in table.columns)]) + " |"
        )
    return "\n".join(lines)


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
