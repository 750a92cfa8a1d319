"""Power capacity: the existing fleet retiring by age or early (one way), new builds, build and
potential limits."""

from __future__ import annotations

import pyomo.environ as pyo

from energysim.model.data import ModelData


def existing_alive(d: ModelData, tech: str, year: int) -> float:
    """Base-year fleet of `tech` still within its lifetime in `year` (GW).

    A cohort commissioned in vintage v retires at v + lifetime; cohorts are read from
    existing_capacity.csv.
    """
    if "existing_capacity" not in d.inputs:
        return 0.0
    lifetime = d.tech("lifetime", tech, d.years[0], default=1e9)
    fleet = d.inputs["existing_capacity"].sel(technology=tech)
    return float(
        sum(
            float(c)
            for v, c in zip(fleet.vintage.values, fleet.values, strict=True)
            if int(v) + lifetime > year
        )
    )


def alive_builds(d: ModelData, tech: str, year: int) -> list[int]:
    """Model years whose new builds of `tech` still stand in `year`."""
    return [b for b in d.years if b <= year and year - b < d.tech("lifetime", tech, b, 1e9)]


def define_capacity_variables(m: pyo.ConcreteModel, d: ModelData) -> None:
    m.new_capacity = pyo.Var(
        m.technologies, m.years, domain=pyo.NonNegativeReals, doc="capacity built in the period, GW"
    )
    m.capacity = pyo.Var(
        m.technologies,
        m.years,
        domain=pyo.NonNegativeReals,
        doc="standing capacity (installed less retired early), GW",
    )
    for t in d.technologies:
        for y in d.years:
            first = d.tech("first_year", t, y, default=d.years[0])
            pinned = d.scenario.model.pin_base_year and y == d.years[0]
            if pinned or y < first or d.tech("capex", t, y) != d.tech("capex", t, y):
                m.new_capacity[t, y].fix(0.0)


def define_capacity_constraints(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Standing capacity within installed capacity, retired one way; build rates, potentials.

    capacity[t,y] <= existing_alive[t,y] + sum_{b alive in y} new_capacity[t,b]      (installed)
    capacity[t,y]  = existing_alive[t,y]                          (pinned base year, equality)
    capacity[t,y] <= capacity[t,y-1] + new_capacity[t,y]                           (no comeback)
    new_capacity[t,y] <= max_build_rate[t,y] * (y - y_previous)                       (build rate)
    new_capacity[t,y] <= n * seed[t] + rate[t,y_previous] * sum_{k=1..n} (1 + growth[t,y])^k
        with n = y - y_previous and rate = new_capacity / n the yearly build rate of a period
        (before the first period with builds: growth_base_rate, observed)          (growth)
        Yearly builds may grow by `growth` a year (MESSAGEix growth_new_capacity_up, with
        initial_new_capacity_up as the seed); over a longer period the yearly limits add up.
    existing_alive[t,y] + sum_{b alive in y} new_capacity[t,b] <= max_potential[t,y] (potential)

    Years whose fleet the scenario holds to history (`history.fix: [capacity_...]`) have no
    build-rate or growth row: the statistics are what happened.

    `capacity` is what stands and pays fixed O&M (objective.py); installed minus capacity is
    retired early, and the no-comeback row makes that one-way: a plant taken out of service
    returns only as a new build that pays its capital cost. Retirement is by capacity, not by
    cohort: what leaves early is read as the oldest units still within their lifetime.
    """

    def installed(t: str, y: int) -> pyo.Expression:
        return existing_alive(d, t, y) + sum(m.new_capacity[t, b] for b in alive_builds(d, t, y))

    def installed_rule(m: pyo.ConcreteModel, t: str, y: int) -> pyo.Expression:
        if d.scenario.model.pin_base_year and y == d.years[0]:
            return m.capacity[t, y] == existing_alive(d, t, y)
        return m.capacity[t, y] <= installed(t, y)

    m.capacity_installed = pyo.Constraint(m.technologies, m.years, rule=installed_rule)

    def no_comeback_rule(m: pyo.ConcreteModel, t: str, y: int) -> pyo.Expression:
        previous = d.previous_year(y)
        if previous is None:
            return pyo.Constraint.Skip
        return m.capacity[t, y] <= m.capacity[t, previous] + m.new_capacity[t, y]

    m.capacity_no_comeback = pyo.Constraint(m.technologies, m.years, rule=no_comeback_rule)

    # A year whose fleet is held to the statistics is what happened: no build limit applies.
    held = {f.year for f in d.history_fixed if f.quantity.startswith("capacity_")}

    def build_rate_rule(m: pyo.ConcreteModel, t: str, y: int) -> pyo.Expression:
        rate = d.tech("max_build_rate", t, y)
        if rate != rate or m.new_capacity[t, y].fixed or y in held:
            return pyo.Constraint.Skip
        return m.new_capacity[t, y] <= rate * d.years_since_previous(y)

    m.build_rate = pyo.Constraint(m.technologies, m.years, rule=build_rate_rule)

    def growth_rule(m: pyo.ConcreteModel, t: str, y: int) -> pyo.Expression:
        growth = d.tech("growth_rate", t, y)
        if growth != growth or m.new_capacity[t, y].fixed or y in held:
            return pyo.Constraint.Skip
        span = d.years_since_previous(y)
        previous = d.previous_year(y)
        if previous is None or m.new_capacity[t, previous].fixed:
            before = d.tech("growth_base_rate", t, y, default=0.0)  # observed, GW/yr
        else:
            before = m.new_capacity[t, previous] / d.years_since_previous(previous)
        seed = d.tech("growth_seed", t, y, default=0.0)
        compounded = sum((1.0 + growth) ** k for k in range(1, int(span) + 1))
        return m.new_capacity[t, y] <= span * seed + compounded * before

    m.build_growth = pyo.Constraint(m.technologies, m.years, rule=growth_rule)

    def potential_rule(m: pyo.ConcreteModel, t: str, y: int) -> pyo.Expression:
        potential = d.tech("max_potential", t, y)
        if potential != potential:
            return pyo.Constraint.Skip
        expression = installed(t, y)
        if isinstance(expression, float):
            return pyo.Constraint.Skip
        return expression <= max(potential, existing_alive(d, t, y))

    m.capacity_potential = pyo.Constraint(m.technologies, m.years, rule=potential_rule)
