"""Summary of a sweep: quantiles of the KPIs and the probability of meeting each target."""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from energysim.scenario.schema import Scenario

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
KPIS = ("co2_emissions", "non_fossil_share", "coal_output", "unserved_energy", "curtailment")


def target_outcomes(ds: xr.Dataset, scenario: Scenario) -> dict[str, np.ndarray]:
    """Per target of the scenario, whether each sample meets it (boolean (sample,) arrays)."""
    targets = scenario.targets
    met: dict[str, np.ndarray] = {}
    share = targets.electricity_share_final
    for y, low in (share.min if share else {}).items():
        value = ds["electricity_share_final"].sel({"year": y, "method": share.method})
        met[f"electricity_share_final[{y}] >= {low:g} ({share.method})"] = (value >= low).values
    for y, low in targets.non_fossil_share_min.items():
        met[f"non_fossil_share[{y}] >= {low:g}"] = (
            ds["non_fossil_share"].sel(year=y) >= low
        ).values
    if targets.co2_peak_year is not None:
        met[f"co2_peak_year <= {targets.co2_peak_year}"] = (
            ds["co2_peak_year"] <= targets.co2_peak_year
        ).values
    for y, cap in targets.co2_cap.items():
        met[f"co2_emissions[{y}] <= {cap:g}"] = (ds["co2_emissions"].sel(year=y) <= cap).values
    for y, band in targets.coal_output.items():
        value = ds["coal_output"].sel(year=y)
        ok = np.ones(value.shape, dtype=bool)
        if band.min is not None:
            ok &= (value >= band.min).values
        if band.max is not None:
            ok &= (value <= band.max).values
        met[f"coal_output[{y}] in [{band.min}, {band.max}]"] = ok
    for y, low in targets.cbm_output_min.items():
        met[f"cbm_output[{y}] >= {low:g}"] = (ds["cbm_output"].sel(year=y) >= low).values
    budget = targets.co2_budget
    if budget is not None:
        years = [int(y) for y in ds.year.values]
        lengths = np.diff([*years, years[-1] + 1])
        weights = [
            (lengths[i] if y < budget.end else 1) if budget.start <= y <= budget.end else 0
            for i, y in enumerate(years)
        ]
        total = (ds["co2_emissions"] * xr.DataArray(weights, dims="year")).sum("year")
        met[f"co2_budget {budget.start}-{budget.end} <= {budget.max:g}"] = (
            total <= budget.max
        ).values
    return met


def summarise(ds: xr.Dataset, scenario: Scenario) -> xr.Dataset:
    """Quantiles over samples of each KPI by year, and P(target met) for each target."""
    out = xr.Dataset()
    warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)  # shares without data
    for name in KPIS:
        q = ds[name].quantile(list(QUANTILES), dim="sample")
        out[f"{name}_quantiles"] = q.assign_attrs(units=ds[name].attrs.get("units", ""))
    q = ds["electricity_share_final"].quantile(list(QUANTILES), dim="sample")
    out["electricity_share_final_quantiles"] = q.assign_attrs(units="fraction")
    out["total_cost_quantiles"] = ds["total_cost"].quantile(list(QUANTILES), dim="sample")
    out["total_cost_quantiles"].attrs["units"] = "CNY (discounted)"
    met = target_outcomes(ds, scenario)
    out.coords["target"] = list(met)
    out["target_probability"] = (
        "target",
        np.array([float(np.mean(v)) for v in met.values()]),
        {"units": "probability", "long_name": "share of samples meeting the target"},
    )
    years = ds["co2_peak_year"].values
    for year in sorted({int(y) for y in ds.year.values}):
        out.attrs[f"P(co2_peak_year <= {year})"] = float(np.mean(years <= year))
    return out


def summary_table(summary: xr.Dataset) -> str:
    lines = ["probability of meeting each target:"]
    for name, p in zip(summary.target.values, summary["target_probability"].values, strict=True):
        lines.append(f"  {p:6.1%}  {name}")
    co2 = summary["co2_emissions_quantiles"]
    lines.append("CO2, Mt (5 % / median / 95 %):")
    for y in co2.year.values:
        low, mid, high = (float(co2.sel(year=y, quantile=q)) for q in (0.05, 0.5, 0.95))
        lines.append(f"  {int(y)}: {low:8.1f} {mid:8.1f} {high:8.1f}")
    return "\n".join(lines)
