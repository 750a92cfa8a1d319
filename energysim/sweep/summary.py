"""Summary of a sweep: quantiles of the KPIs and the probability of meeting each target.

With a nominal offset (see `nominal`), both are computed on the offset-corrected values. Each
variable is read into memory on its own, so a sweep file larger than memory can be summarised.
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from energysim.scenario.schema import Scenario
from energysim.sweep.nominal import corrected

# A target holds within this relative tolerance of its bound, as the LP's own feasibility
# tolerance lets the plan sit on it (a corrected nominal sample equals the plan up to rounding).
TOLERANCE = 1e-6


def _at_least(value: xr.DataArray, low: float) -> np.ndarray:
    return (value >= low - TOLERANCE * max(abs(low), 1.0)).values


def _at_most(value: xr.DataArray, high: float) -> np.ndarray:
    return (value <= high + TOLERANCE * max(abs(high), 1.0)).values


def peak_years(co2: xr.DataArray) -> np.ndarray:
    """The year of each sample's highest CO2 (the first of equal maxima), as the kernel's."""
    values = np.round(co2.transpose("sample", "year").values, 6)
    return co2.year.values[np.argmax(values, axis=1)]


QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
KPIS = ("co2_emissions", "non_fossil_share", "coal_output", "unserved_energy", "curtailment")


def target_outcomes(
    ds: xr.Dataset, scenario: Scenario, offset: xr.Dataset | None = None
) -> dict[str, np.ndarray]:
    """Per target of the scenario, whether each sample meets it (boolean (sample,) arrays),
    judged on the values corrected by `offset` when given."""
    targets = scenario.targets
    met: dict[str, np.ndarray] = {}
    cache: dict[str, xr.DataArray] = {}

    def value(name: str) -> xr.DataArray:
        # one variable in memory at a time: targets are grouped by the variable they judge
        if name not in cache:
            cache.clear()
            cache[name] = corrected(ds, name, offset)
        return cache[name]

    share = targets.electricity_share_final
    for y, low in (share.min if share else {}).items():
        v = value("electricity_share_final").sel({"year": y, "method": share.method})
        met[f"electricity_share_final[{y}] >= {low:g} ({share.method})"] = _at_least(v, low)
    for y, low in targets.non_fossil_share_min.items():
        met[f"non_fossil_share[{y}] >= {low:g}"] = _at_least(
            value("non_fossil_share").sel(year=y), low
        )
    if targets.co2_peak_year is not None:
        peaks = peak_years(value("co2_emissions"))
        met[f"co2_peak_year <= {targets.co2_peak_year}"] = peaks <= targets.co2_peak_year
    for y, cap in targets.co2_cap.items():
        met[f"co2_emissions[{y}] <= {cap:g}"] = _at_most(value("co2_emissions").sel(year=y), cap)
    budget = targets.co2_budget
    if budget is not None:
        years = [int(y) for y in ds.year.values]
        lengths = np.diff([*years, years[-1] + 1])
        weights = [
            (lengths[i] if y < budget.end else 1) if budget.start <= y <= budget.end else 0
            for i, y in enumerate(years)
        ]
        total = (value("co2_emissions") * xr.DataArray(weights, dims="year")).sum("year")
        met[f"co2_budget {budget.start}-{budget.end} <= {budget.max:g}"] = _at_most(
            total, budget.max
        )
    for y, band in targets.coal_output.items():
        v = value("coal_output").sel(year=y)
        ok = np.ones(v.shape, dtype=bool)
        if band.min is not None:
            ok &= _at_least(v, band.min)
        if band.max is not None:
            ok &= _at_most(v, band.max)
        met[f"coal_output[{y}] in [{band.min}, {band.max}]"] = ok
    for y, low in targets.cbm_output_min.items():
        met[f"cbm_output[{y}] >= {low:g}"] = _at_least(value("cbm_output").sel(year=y), low)
    return met


def summarise(ds: xr.Dataset, scenario: Scenario, offset: xr.Dataset | None = None) -> xr.Dataset:
    """Quantiles over samples of each KPI by year, and P(target met) for each target; on the
    offset-corrected values when `offset` is given (then stored beside them)."""
    out = xr.Dataset()
    warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)  # shares without data
    for name in KPIS:
        values = corrected(ds, name, offset)
        q = values.quantile(list(QUANTILES), dim="sample")
        out[f"{name}_quantiles"] = q.assign_attrs(units=ds[name].attrs.get("units", ""))
    share = corrected(ds, "electricity_share_final", offset)
    q = share.quantile(list(QUANTILES), dim="sample")
    out["electricity_share_final_quantiles"] = q.assign_attrs(units="fraction")
    out["total_cost_quantiles"] = ds["total_cost"].compute().quantile(list(QUANTILES), dim="sample")
    out["total_cost_quantiles"].attrs["units"] = "CNY (discounted)"
    met = target_outcomes(ds, scenario, offset)
    out.coords["target"] = list(met)
    out["target_probability"] = (
        "target",
        np.array([float(np.mean(v)) for v in met.values()]),
        {"units": "probability", "long_name": "share of samples meeting the target"},
    )
    years = peak_years(corrected(ds, "co2_emissions", offset))
    for year in sorted({int(y) for y in ds.year.values}):
        out.attrs[f"P(co2_peak_year <= {year})"] = float(np.mean(years <= year))
    if offset is not None:
        out = out.merge(offset)
        out.attrs["nominal_offset"] = (
            "quantiles and target probabilities are of kernel value + nominal_offset_* "
            "(plan minus kernel at the nominal sample)"
        )
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
