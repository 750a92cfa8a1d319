"""The simulating kernel at the nominal sample against the LP plan it simulates.

The kernel is a simplification of the LP (storage charged only from surplus, flat exports, a
merit order instead of the LP's dispatch), so with every multiplier at 1 it does not give the
plan's numbers: on the 14th FYP plan 2025 CO2 484 Mt against the LP's 466, CBM 14.5 bcm
against 20. Probabilities of meeting a target the plan meets exactly would be computed against
that bias (0 % for coal and CBM targets the plan meets).

So the sweep runs the nominal sample once, takes per target quantity and year the offset
`plan - kernel(nominal)`, stores and reports it, and judges targets (and reports quantiles) on
`kernel(sample) + offset`: a first-order correction that makes the nominal sample reproduce the
plan exactly, whatever the model's formulation, while each sample keeps the kernel's response
to its multipliers. The offset is computed from whatever the plan and the kernel give today, so
it stays valid when either changes; its size is reported, so a large one is seen.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import xarray as xr

from energysim.sweep.kernel import SAMPLE_PARAMETERS

# The quantities targets are judged on (summary.target_outcomes), as named in both the LP's
# results and the sweep's outputs.
CORRECTED = ("co2_emissions", "coal_output", "cbm_output", "non_fossil_share")
CORRECTED_BY_METHOD = ("electricity_share_final",)
PREFIX = "nominal_offset_"


def nominal_offset(
    system: object, plan: xr.Dataset, compute: Callable[..., xr.Dataset], dtype: str
) -> xr.Dataset:
    """`nominal_offset_<quantity>`: the plan's value minus the kernel's at the nominal sample
    (every multiplier 1), by year (and method for shares)."""
    ones = {name: np.ones(1) for name in SAMPLE_PARAMETERS}
    nominal = compute(system, ones, 0, dtype).isel(sample=0, drop=True)
    years = nominal.year.values
    out = xr.Dataset()
    for name in (*CORRECTED, *CORRECTED_BY_METHOD):
        if name not in plan or name not in nominal:
            continue
        planned = plan[name].sel(year=years).astype(float)
        offset = (planned - nominal[name]).drop_vars(
            [c for c in planned.coords if c not in planned.dims], errors="ignore"
        )
        out[PREFIX + name] = offset.fillna(0.0).assign_attrs(
            units=nominal[name].attrs.get("units", ""),
            long_name=f"plan minus simulating kernel at the nominal sample: {name}",
        )
    return out


def corrected(ds: xr.Dataset, name: str, offset: xr.Dataset | None) -> xr.DataArray:
    """`ds[name]` in memory, plus its nominal offset when there is one."""
    values = ds[name].compute()
    if offset is not None and PREFIX + name in offset:
        values = (values + offset[PREFIX + name]).assign_attrs(values.attrs)
    return values


def offset_table(offset: xr.Dataset) -> str:
    """The offsets as printed after a sweep, one line per quantity (and method)."""
    lines = ["plan minus simulating kernel at the nominal sample (added to every sample):"]
    for key in offset.data_vars:
        name, unit = str(key).removeprefix(PREFIX), offset[key].attrs.get("units", "")
        table = offset[key].to_pandas()  # years as rows, methods (if any) as columns
        columns = table.items() if hasattr(table, "columns") else [(None, table)]
        for method, series in columns:
            label = f"{name} ({method})" if method is not None else name
            cells = "  ".join(f"{int(y)}: {float(v):+.4g}" for y, v in series.items())
            lines.append(f"  {label} [{unit}]  {cells}")
    return "\n".join(lines)
