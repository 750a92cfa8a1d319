"""Cross-field checks on a validated scenario, run before any model is built.

Each check returns `(location, message)` pairs; the loader turns locations into file:line:col.
"""

from __future__ import annotations

from collections.abc import Iterator

from energysim.scenario.schema import BASE_YEAR, Scenario

Location = tuple[str | int, ...]


def cross_field_problems(scenario: Scenario) -> list[tuple[Location, str]]:
    return [*_years(scenario), *_target_years(scenario), *_uncertainty(scenario)]


def _years(scenario: Scenario) -> Iterator[tuple[Location, str]]:
    years = scenario.years
    if years[0] != BASE_YEAR:
        yield (
            ("years", 0),
            f"the first model year must be the base year {BASE_YEAR} (got {years[0]})",
        )
    for i in range(1, len(years)):
        if years[i] <= years[i - 1]:
            yield ("years", i), f"years must increase (got {years[i]} after {years[i - 1]})"


def _target_years(scenario: Scenario) -> Iterator[tuple[Location, str]]:
    """Year-keyed targets must name model years; peak and budget years lie in the horizon."""
    years = scenario.years
    allowed = ", ".join(map(str, years))
    targets = scenario.targets
    yearly: dict[str, dict] = {
        "coal_output": targets.coal_output,
        "cbm_output_min": targets.cbm_output_min,
        "export_capacity": targets.export_capacity,
        "non_fossil_share_min": targets.non_fossil_share_min,
        "co2_cap": targets.co2_cap,
        "wind_solar_capacity_min": targets.wind_solar_capacity_min,
        "clean_capacity_share_min": targets.clean_capacity_share_min,
    }
    if targets.electricity_share_final is not None:
        yearly["electricity_share_final.min"] = targets.electricity_share_final.min
    for name, by_year in yearly.items():
        for year in by_year:
            if year not in years:
                loc = ("targets", *name.split("."), year)
                yield loc, f"target year outside the model years (got {year}; allowed {allowed})"
    if targets.co2_peak_year is not None and not years[0] <= targets.co2_peak_year <= years[-1]:
        yield (
            ("targets", "co2_peak_year"),
            f"peak year outside the horizon (got {targets.co2_peak_year}; "
            f"allowed {years[0]}..{years[-1]})",
        )
    budget = targets.co2_budget
    if budget is not None:
        for field in ("start", "end"):
            year = getattr(budget, field)
            if year not in years:
                loc = ("targets", "co2_budget", field)
                yield loc, f"budget year outside the model years (got {year}; allowed {allowed})"
    for year in scenario.carbon_policy.price:
        if not years[0] <= year <= years[-1]:
            loc = ("carbon_policy", "price", year)
            yield (
                loc,
                f"price year outside the horizon (got {year}; allowed {years[0]}..{years[-1]})",
            )


def _uncertainty(scenario: Scenario) -> Iterator[tuple[Location, str]]:
    if scenario.uncertainty is None:
        return
    declared = set(scenario.uncertainty.parameters)
    for i, corr in enumerate(scenario.uncertainty.rank_correlations):
        a, b = corr.between
        if a == b:
            yield ("uncertainty", "rank_correlations", i, "between"), "a parameter with itself"
        for name in (a, b):
            if name not in declared:
                yield (
                    ("uncertainty", "rank_correlations", i, "between"),
                    f"'{name}' is not declared under uncertainty.parameters",
                )
    yield from _correlations_consistent(scenario)


def _correlations_consistent(scenario: Scenario) -> Iterator[tuple[Location, str]]:
    """The rank correlations must form a positive-definite matrix (Iman–Conover needs its
    Cholesky factor); each pair may be given once."""
    import numpy as np  # here, not at the top: `energysim validate` should not wait for it

    names = list(scenario.uncertainty.parameters)
    matrix = np.eye(len(names))
    for i, corr in enumerate(scenario.uncertainty.rank_correlations):
        a, b = corr.between
        if a == b or a not in names or b not in names:
            return  # already reported
        j, k = names.index(a), names.index(b)
        if matrix[j, k] != 0:
            yield ("uncertainty", "rank_correlations", i), f"pair {a}, {b} given twice"
            return
        matrix[j, k] = matrix[k, j] = corr.rho
    if names and np.linalg.eigvalsh(matrix).min() <= 1e-9:
        yield (
            ("uncertainty", "rank_correlations"),
            "the rank correlations are inconsistent (their matrix is not positive definite)",
        )
