"""The model against the provincial statistics: counterparts, errors and accuracy indicators.

For every statistic of `history.csv` with a model counterpart and every model year with a
value: the model's value, the error in %, and per statistic the mean absolute percentage error
(MAPE) over the years after the base year, in-sample and out-of-sample apart, and whether the
sign of the change from the first to the last year with a statistic matches (the indicators of
retrospective evaluations of energy models: Wen et al., accuracy indicators for retrospective
performance; Trutnevyte 2016, cost-optimal hindcasts of the UK power system).
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np
import xarray as xr

from energysim.model.history import GROUPS, members

Counterpart = Callable[[xr.Dataset], xr.DataArray]


def group_total(ds: xr.Dataset, variable: str, group: str) -> xr.DataArray:
    """`variable` (technology, ...) summed over a statistical group of technologies
    (`energysim.model.history.GROUPS`: total, thermal, coal, wind_solar, new_and_clean, ...)."""
    techs = ds.technology.values.tolist()
    kinds = dict(zip(techs, ds.technology_kind.values.tolist(), strict=True))
    fuels = dict(zip(techs, ds.technology_fuel.values.tolist(), strict=True))
    return ds[variable].sel(technology=members(group, techs, kinds, fuels)).sum("technology")


def _sum(variable: str, group: str) -> Counterpart:
    return lambda ds: group_total(ds, variable, group)


# Each statistic with a model counterpart: how to compute it from a results Dataset.
COUNTERPARTS: dict[str, Counterpart] = {
    "raw_coal_output": lambda ds: ds["coal_output"],
    "coal_shipped_out": lambda ds: ds["coal_use"].sel(coal_flow="coal_shipped_out"),
    "unconventional_gas_output": lambda ds: ds["cbm_output"],
    "natural_gas_output": lambda ds: ds["cbm_output"],
    **{f"capacity_{g}": _sum("capacity", g) for g in GROUPS},
    **{
        f"generation_{g}": _sum("generation", g)
        for g in ("thermal", "hydro", "wind", "wind_solar", "renewables", "total")
    },
    "electricity_consumption": lambda ds: ds["electricity_consumption"],
    "electricity_exported": lambda ds: ds["electricity_exported"],
    "export_capability_all_channels": lambda ds: ds["export_capacity"],
    "co2_emissions": lambda ds: ds["co2_emissions"],
}


STATISTIC_VARIABLES = ("history", "history_source", "history_confidence", "history_in_sample")


def add_history(
    ds: xr.Dataset, inputs: xr.Dataset, fixed: Collection[tuple[str, int]] = ()
) -> xr.Dataset:
    """`ds` with the statistics of `inputs` on its years and the accuracy indicators;
    `fixed` (statistic, year) were held to history, so they are shown but not scored.

    history(statistic, year)            the statistic (NaN where none)
    history_model(statistic, year)      the model's counterpart (NaN where none)
    history_error(statistic, year)      100 * (model - statistic) / statistic
    history_fixed(statistic, year)      held to the statistic by the scenario (not scored)
    history_mape(statistic, history_sample)  mean |error| over the scored years after the
                                        first; history_sample: all, in_sample, out_of_sample
    history_sign_match(statistic)       sign of model change = sign of statistic change,
                                        first to last year with a statistic not held to
                                        history (1/0, NaN if fewer than two years)
    """
    statistics = inputs[list(STATISTIC_VARIABLES)]
    names = [str(n) for n in statistics.statistic.values]
    ds = ds.assign_coords(statistic=names, statistic_unit=statistics.statistic_unit)
    for name in STATISTIC_VARIABLES:
        ds[name] = statistics[name]
    ds["history"].attrs.update(units="see statistic_unit", long_name="provincial statistic")
    model = np.full((len(names), ds.sizes["year"]), np.nan)
    for i, name in enumerate(names):
        if name in COUNTERPARTS:
            model[i] = COUNTERPARTS[name](ds).values
    ds["history_model"] = (
        ("statistic", "year"),
        model,
        {"units": "see statistic_unit", "long_name": "the model's counterpart of the statistic"},
    )
    statistic = ds["history"].values
    with np.errstate(divide="ignore", invalid="ignore"):
        error = 100.0 * (model - statistic) / statistic
    ds["history_error"] = (("statistic", "year"), error, {"units": "%"})
    years = [int(y) for y in ds.year.values]
    held_pairs = set(fixed)
    held = np.array([[(n, y) in held_pairs for y in years] for n in names], dtype=bool)
    ds["history_fixed"] = (("statistic", "year"), held.reshape(len(names), len(years)))
    after_base = (np.arange(len(years)) > 0) & ~ds["history_fixed"].values
    in_sample = ds["history_in_sample"].values
    masks = {
        "all": after_base,
        "in_sample": after_base & in_sample,
        "out_of_sample": after_base & ~in_sample,
    }
    ds.coords["history_sample"] = list(masks)
    mape = np.full((len(names), len(masks)), np.nan)
    for j, mask in enumerate(masks.values()):
        chosen = np.where(mask, np.abs(error), np.nan)
        counted = np.isfinite(chosen).sum(axis=1)
        mape[:, j] = np.where(
            counted > 0, np.nansum(chosen, axis=1) / np.maximum(counted, 1), np.nan
        )
    ds["history_mape"] = (
        ("statistic", "history_sample"),
        mape,
        {"units": "%", "long_name": "mean absolute percentage error after the base year"},
    )
    scored = np.where(ds["history_fixed"].values, np.nan, model)
    ds["history_sign_match"] = (
        ("statistic",),
        [_sign_match(scored[i], statistic[i]) for i in range(len(names))],
        {"units": "1", "long_name": "1 where the model's change has the statistic's sign"},
    )
    ds.attrs["history_without_counterpart"] = ", ".join(n for n in names if n not in COUNTERPARTS)
    return ds


def _sign_match(model: np.ndarray, statistic: np.ndarray) -> float:
    years = np.flatnonzero(np.isfinite(statistic) & np.isfinite(model))
    if len(years) < 2:
        return float("nan")
    first, last = years[0], years[-1]
    return float(np.sign(model[last] - model[first]) == np.sign(statistic[last] - statistic[first]))


def accuracy_table(ds: xr.Dataset) -> str:
    """The back-cast table: per statistic and year the model, the statistic and the error
    (* marks in-sample years, ~ estimates, = held to history); then per statistic the MAPE
    and the sign check."""
    years = [int(y) for y in ds.year.values]
    compared = [
        str(n)
        for n in ds.statistic.values
        if np.isfinite(ds["history_error"].sel(statistic=n).values).any()
    ]
    head = f"{'statistic':32s}{'unit':>7s}" + "".join(f"{y:>21d}" for y in years)
    lines = ["model/statistic (error %); * in-sample, ~ estimate, = held to history", head]
    for name in compared:
        row = ds.sel(statistic=name)
        cells = []
        for y in years:
            stat = float(row["history"].sel(year=y))
            if stat != stat:
                cells.append(f"{'':>21s}")
                continue
            model = float(row["history_model"].sel(year=y))
            error = float(row["history_error"].sel(year=y))
            marks = "".join(
                mark
                for mark, on in (
                    ("=", bool(row["history_fixed"].sel(year=y))),
                    ("*", bool(row["history_in_sample"].sel(year=y))),
                    ("~", str(row["history_confidence"].sel(year=y).values) == "estimate"),
                )
                if on
            )
            cells.append(f"{_g(model):>7s}/{_g(stat):<6s}{error:+5.0f}%{marks:<3s}")
        unit = str(row["statistic_unit"].values)
        lines.append(f"{name:32s}{unit:>7s}" + "".join(cells))
    lines += ["", f"{'statistic':32s}{'MAPE':>8s}{'in-sample':>11s}{'out-of-sample':>15s}  sign"]
    for name in compared:
        row = ds.sel(statistic=name)
        mape = [float(row["history_mape"].sel(history_sample=s)) for s in ds.history_sample.values]
        sign = float(row["history_sign_match"])
        mark = "-" if sign != sign else ("ok" if sign else "WRONG")
        lines.append(
            f"{name:32s}"
            + "".join(f"{_pct(v):>{w}s}" for v, w in zip(mape, (8, 11, 15), strict=True))
            + f"  {mark}"
        )
    missing = ds.attrs.get("history_without_counterpart", "")
    if missing:
        lines.append(f"\nstatistics without a model counterpart (not compared): {missing}")
    return "\n".join(lines)


def _g(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"


def _pct(value: float) -> str:
    return "-" if value != value else f"{value:.1f}%"
