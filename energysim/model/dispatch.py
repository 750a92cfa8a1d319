"""Dispatch per time slice: generation within availability, CHP and district heat, the power
balance, storage and the reserve margin.

Dispatch variables are average power in GW over a slice; a slice of weight w hours turns GW
into GWh. A storage step is the slice's duration (one hour, or a segment of a representative
day).
With representative days, storage that can hold a day's worth of discharge or more
(energy_to_power >= INTERDAY_MIN_HOURS) is linked across the chronological days of the year;
shorter storage (2 h batteries, 6 h pumped hydro) cycles within each representative day.
"""

from __future__ import annotations

import math

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import EqualityExpression

from energysim.model import heat
from energysim.model.data import HOURS_PER_YEAR, TWH_PER_MTCE, ModelData
from energysim.model.rows import by_slice, linear, linear_form, row
from energysim.model.uncertain import YIELD_PARAMETER, capped, multiplier

PROFILE_OF = {"wind": "wind_cf", "solar": "solar_cf", "hydro": "hydro_cf"}
# With representative days, storage whose energy-to-power ratio reaches this many hours (it can
# discharge at full power for a day or longer) is linked across the chronological days; shorter
# storage empties within a day at full power and is daily-cyclic per representative day.
INTERDAY_MIN_HOURS = 24.0


def linked_storage(d: ModelData) -> list[str]:
    """Storage linked across chronological days: with representative days only, those whose
    energy_to_power reaches INTERDAY_MIN_HOURS in some model year."""
    if "day_cluster" not in d.inputs:
        return []
    return [
        t
        for t in d.techs_of("storage")
        if max(d.tech("energy_to_power", t, y) for y in d.years) >= INTERDAY_MIN_HOURS
    ]


def availability(d: ModelData, tech: str, year: int, s: int) -> float:
    """Fraction of capacity available in slice s: a yield profile or a flat availability.

    In the base year, wind and solar profiles are scaled to the year's actual full-load hours
    (`wind_yield_scale`, `solar_yield_scale` in base_year.csv).
    """
    profile = PROFILE_OF.get(tech)
    if profile and profile in d.inputs:
        scale = d.base(f"{tech}_yield_scale", 1.0) if year == d.years[0] else 1.0
        return d.slice_value(profile, s) * scale
    return d.tech("availability", tech, year, default=1.0)


def availability_by_slice(d: ModelData, tech: str, year: int) -> list[float]:
    """`availability` of every slice, in slice order (one array product for a profile)."""
    profile = PROFILE_OF.get(tech)
    if profile and profile in d.inputs:
        scale = d.base(f"{tech}_yield_scale", 1.0) if year == d.years[0] else 1.0
        values = d._profiles[profile]
        return (values[np.asarray(d.slices)] * scale).tolist()
    return [availability(d, tech, year, d.slices[0])] * len(d.slices)


def define_dispatch_variables(m: pyo.ConcreteModel, d: ModelData) -> None:
    m.generation = pyo.Var(
        m.generators,
        m.years,
        m.slices,
        domain=pyo.NonNegativeReals,
        doc="average generation in the slice, GW",
    )
    m.curtailment = pyo.Var(
        m.variable_generators,
        m.years,
        m.slices,
        domain=pyo.NonNegativeReals,
        doc="curtailed wind and solar, GW",
    )
    m.unserved = pyo.Var(
        m.years, m.slices, domain=pyo.NonNegativeReals, doc="unserved electricity, GW"
    )
    m.charge = pyo.Var(m.storage, m.years, m.slices, domain=pyo.NonNegativeReals, doc="GW")
    m.discharge = pyo.Var(m.storage, m.years, m.slices, domain=pyo.NonNegativeReals, doc="GW")
    linked = set(linked_storage(d))  # their state: the change since the day began
    m.storage_linked = pyo.Set(initialize=[t for t in m.storage if t in linked], ordered=True)
    m.storage_cyclic = pyo.Set(initialize=[t for t in m.storage if t not in linked], ordered=True)
    m.state_of_charge = pyo.Var(
        m.storage,
        m.years,
        m.slices,
        bounds=lambda m, t, y, s: (None, None) if t in linked else (0.0, None),
        doc="GWh at the end of the slice (storage linked across days: change since the day's "
        "start)",
    )
    m.chp_heat = pyo.Var(m.years, m.slices, domain=pyo.NonNegativeReals, doc="GW heat")
    m.boiler_heat = pyo.Var(m.years, m.slices, domain=pyo.NonNegativeReals, doc="GW heat")


def define_generation_constraints(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Generation within available capacity; wind and solar either generate or are curtailed.

    generation[t,y,s] + curtailment[t,y,s] = capacity[t,y] * cf[t,s]         (variable t)
    generation[t,y,s] <= capacity[t,y] * availability[t,s]                   (other t)
    generation[chp,y,s] >= min_load * availability * capacity[chp,y]   (slices with heat demand)
    """

    variable = set(d.techs_of("variable"))
    shape = {(t, y): availability_by_slice(d, t, y) for t in m.generators for y in m.years}
    generation = by_slice(m.generation)
    curtailment = by_slice(m.curtailment)
    rows: dict = {}
    for t in m.generators:
        for y in m.years:
            factor = multiplier(m, d, YIELD_PARAMETER.get(t), y)
            capacity = m.capacity[t, y]
            gen = generation[t, y]
            curt = curtailment[t, y] if t in variable else None
            for i, s in enumerate(d.slices):
                coefficient = capped(shape[t, y][i], factor)
                if coefficient.__class__ is not float:  # a sampled yield: a Param expression
                    available = capacity * coefficient
                    rows[t, y, s] = gen[i] + curt[i] == available if curt else gen[i] <= available
                elif curt:
                    row(
                        rows, (t, y, s), [(1, gen[i]), (1, curt[i]), (-coefficient, capacity)], 0, 0
                    )
                else:
                    row(rows, (t, y, s), [(1, gen[i]), (-coefficient, capacity)], None, 0)
    m.generation_available = pyo.Constraint(
        m.generators, m.years, m.slices, rule=lambda m, *i: rows.pop(i)
    )

    heat = d._profiles["heat_pu"] if "heat_pu" in d._profiles else [0.0] * len(d.slices)
    must_run: dict = {}
    for t in m.chp:
        for y in m.years:
            min_load = d.tech("min_load", t, y, default=0.0)
            if min_load == 0:
                continue
            capacity = m.capacity[t, y]
            for i, s in enumerate(d.slices):
                if heat[i] > 0:
                    coefficient = min_load * shape[t, y][i]
                    terms = [(coefficient, capacity), (-1, generation[t, y][i])]
                    row(must_run, (t, y, s), terms, None, 0)
    m.chp_must_run = pyo.Constraint(
        m.chp, m.years, m.slices, rule=lambda m, *i: must_run.pop(i, pyo.Constraint.Skip)
    )


def heat_demand(
    m: pyo.ConcreteModel, d: ModelData, y: int, s: int, heat_pu: float | None = None
) -> pyo.Expression:
    """District heat demand in slice s, GW: annual final heat (Mtce) shaped by heat_pu (the
    slice's value, when the caller has it at hand).

    The constant factors stay a chain of products: the standard-form compiler multiplies them
    in this order, and one pre-multiplied factor would round differently in the last bit."""
    pu = d.slice_value("heat_pu", s) if heat_pu is None else float(heat_pu)
    return m.final_carrier_total["heat", y] * TWH_PER_MTCE * 1000.0 / HOURS_PER_YEAR * pu


def define_heat_constraints(m: pyo.ConcreteModel, d: ModelData) -> None:
    """District heat from CHP (bounded by its heat-to-power ratio) and heat-only sources with
    capacity (`heat.define_heat_supply`).

    chp_heat[y,s] <= sum_chp heat_to_power[t] * generation[t,y,s]
    chp_heat[y,s] + boiler_heat[y,s] = heat_demand[y,s],  boiler_heat = sum_b heat_output[b]
    boiler_fuel[y] = sum_{b burns coal} heat_output_TWh[b,y] * heat_rate[b,y] / 1000    (Mtce)

    CHP heat costs fuel at heat_fuel_rate (gce/kWh_th, `fuel_use_mtce`): for an extraction
    unit, c_v * heat_rate, the power given up per unit of heat extracted times the fuel of
    that power; a heat-only boiler burns heat_rate = 122.9 / efficiency.
    """
    has_heat = "heat" in d.carriers and "heat_pu" in d.inputs

    chp = d.techs_of("chp")
    ratios = {y: {t: d.tech("heat_to_power", t, y, default=0.0) for t in chp} for y in d.years}

    generation = by_slice(m.generation)
    chp_heat, boiler_heat = by_slice(m.chp_heat), by_slice(m.boiler_heat)
    heat_pu = d._profiles["heat_pu"] if has_heat else None
    limits: dict = {}
    balances: dict = {}
    for y in m.years:
        ratio = ratios[y]
        chp_gen = [(ratio[t], generation[t, y]) for t in ratio]
        active = any(ratio.values())
        heat_y, boiler_y = chp_heat[(y,)], boiler_heat[(y,)]
        for i, s in enumerate(d.slices):
            if active:
                terms = [(1, heat_y[i])] + [(-r, gen[i]) for r, gen in chp_gen]
                row(limits, (y, s), terms, None, 0)
            else:
                row(limits, (y, s), [(1, heat_y[i])], 0, 0)
            supplied = linear([(1, heat_y[i]), (1, boiler_y[i])])
            if has_heat and heat_pu[i] != 0:
                balances[y, s] = supplied == heat_demand(m, d, y, s, heat_pu[i])
            else:  # no district heat demand in the slice (outside the heating season)
                balances[y, s] = EqualityExpression((supplied, 0.0))

    m.chp_heat_limit = pyo.Constraint(m.years, m.slices, rule=lambda m, *i: limits.pop(i))
    m.heat_balance = pyo.Constraint(m.years, m.slices, rule=lambda m, *i: balances.pop(i))
    heat.define_heat_supply(m, d)
    coal_fired = [b for b in d.boilers if d.fuel[b] == "coal"]
    m.boiler_fuel = pyo.Expression(
        m.years,
        rule=lambda m, y: sum(
            energy_twh(m, d, m.heat_output, b, y) * d.tech("heat_rate", b, y, 0.0) / 1000.0
            for b in coal_fired
        ),
        doc="coal for heat-only boilers, Mtce",
    )


def electricity_load(
    m: pyo.ConcreteModel, d: ModelData, y: int, s: int, load_pu: float | None = None
) -> pyo.Expression:
    """Load in slice s, GW: annual consumption (TWh) shaped by load_pu (mean 1)."""
    pu = d.slice_value("load_pu", s) if load_pu is None else float(load_pu)
    return m.electricity_consumption[y] * 1000.0 / HOURS_PER_YEAR * pu


def station_use_share(d: ModelData) -> float:
    """Share of gross generation neither consumed in the province nor exported (station use
    and statistical difference), from the base year: 1 - (consumption + exports) / generation."""
    generated = d.base("total_generation")
    consumed = d.base("electricity_consumption") + d.base("electricity_exported")
    if math.isnan(generated) or math.isnan(consumed):
        return 0.0
    return max(0.0, 1.0 - consumed / generated)


def define_power_balance(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Electricity balance of every slice.

    (1 - station_use) * sum_t generation[t,y,s] + sum_st (discharge - charge)[st,y,s]
        + unserved[y,s] = load[y,s] + sum_c export_flow[c,y,s] + heat_electricity[y,s]

    Load and the electric heat draw are written out as terms of each row (consumption's
    final-use columns, heat_output / cop), so that the compiler reads every row without walking
    the named expressions; where consumption is not a plain linear form (a sampled demand
    multiplier, a pinned base year's fixed final use) the row subtracts the expression.
    """
    net = 1.0 - station_use_share(d)
    generation, export_flow = by_slice(m.generation), by_slice(m.export_flow)
    charge, discharge, unserved = by_slice(m.charge), by_slice(m.discharge), by_slice(m.unserved)
    cop = heat.electric_cop(d) if hasattr(m, "heat_electricity") else {}
    heat_output = by_slice(m.heat_output) if cop else {}
    load_pu = d._profiles["load_pu"]
    rows: dict = {}
    for y in m.years:
        supply = [(net, generation[t, y]) for t in m.generators]
        storage = [(discharge[t, y], charge[t, y]) for t in m.storage]
        exports = [export_flow[c, y] for c in m.corridors]
        lost = unserved[(y,)]
        draw = [(-1.0 / c, heat_output[b, y]) for b, c in cop[y].items()] if cop else []
        load = linear_form(m.electricity_consumption[y])
        for i, s in enumerate(d.slices):
            terms = [(c, gen[i]) for c, gen in supply]
            for out, into in storage:
                terms += [(1, out[i]), (-1, into[i])]
            terms.append((1, lost[i]))
            terms += [(-1, flow[i]) for flow in exports]
            terms += [(c, output[i]) for c, output in draw]
            if load is None:
                rows[y, s] = linear(terms) - electricity_load(m, d, y, s, load_pu[i]) == 0
                continue
            pu = float(load_pu[i])  # TWh a year -> GW in the slice, multiplied in this order
            terms += [(-(c * 1000.0 / HOURS_PER_YEAR * pu), v) for c, v in load[0]]
            rhs = load[1] * 1000.0 / HOURS_PER_YEAR * pu  # as the compiler would (bit for bit)
            row(rows, (y, s), terms, rhs, rhs)

    m.power_balance = pyo.Constraint(m.years, m.slices, rule=lambda m, *i: rows.pop(i))


def define_storage_constraints(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Storage power and energy limits and the state-of-charge balance.

    charge, discharge <= capacity
    soc[st,y,s] = soc[st,y,prev(s)]
                  + duration[s] * (sqrt(eta) * charge[st,y,s] - discharge[st,y,s] / sqrt(eta))

    prev(s) comes from the time slices: the previous hour of the year, cyclic over the year
    (`hourly`), or the previous hour of the same day, cyclic within the day (`seasonal_hours`,
    `representative_days`); there 0 <= soc <= capacity * energy_to_power. For storage linked
    across days (representative days, energy_to_power >= INTERDAY_MIN_HOURS) soc is the change
    since the start of the representative day and the days are linked chronologically (see
    define_storage_linking).
    """
    previous = d._profiles["slice_previous"]
    duration = d._profiles.get("slice_duration", [1.0] * len(d.slices))
    linked = set(m.storage_linked)

    charge, discharge = by_slice(m.charge), by_slice(m.discharge)
    state = by_slice(m.state_of_charge)
    position = {s: i for i, s in enumerate(d.slices)}
    hour = d._profiles["slice_hour"] if linked else None
    charge_limit: dict = {}
    discharge_limit: dict = {}
    energy_limit: dict = {}
    balance: dict = {}
    for t in m.storage:
        for y in m.years:
            capacity = m.capacity[t, y]
            into, out, soc = charge[t, y], discharge[t, y], state[t, y]
            cyclic = t not in linked
            eta = math.sqrt(d.tech("round_trip_efficiency", t, y))
            hours_of_energy = d.tech("energy_to_power", t, y) if cyclic else 0.0
            for i, s in enumerate(d.slices):
                row(charge_limit, (t, y, s), [(1, into[i]), (-1, capacity)], None, 0)
                row(discharge_limit, (t, y, s), [(1, out[i]), (-1, capacity)], None, 0)
                if cyclic:
                    terms = [(1, soc[i]), (-hours_of_energy, capacity)]
                    row(energy_limit, (t, y, s), terms, None, 0)
                hours = float(duration[s])
                terms = [(1, soc[i])]
                if cyclic or hour[s] != 0:  # linked storage starts each day at 0 (change)
                    terms.append((-1, soc[position[int(previous[s])]]))
                terms += [(-(hours * eta), into[i]), (hours / eta, out[i])]
                row(balance, (t, y, s), terms, 0, 0)

    m.storage_charge_limit = pyo.Constraint(
        m.storage, m.years, m.slices, rule=lambda m, *i: charge_limit.pop(i)
    )
    m.storage_discharge_limit = pyo.Constraint(
        m.storage, m.years, m.slices, rule=lambda m, *i: discharge_limit.pop(i)
    )
    if linked:
        define_storage_linking(m, d)
    if len(m.storage_cyclic):
        m.storage_energy_limit = pyo.Constraint(
            m.storage_cyclic, m.years, m.slices, rule=lambda m, *i: energy_limit.pop(i)
        )
    m.storage_balance = pyo.Constraint(
        m.storage, m.years, m.slices, rule=lambda m, *i: balance.pop(i)
    )


def define_storage_linking(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Storage in m.storage_linked across the 365 chronological days of representative-day
    slices (Kotzur et al., Applied Energy 213 (2018) 123-135, the inter-period formulation).

    The state at hour h of day d is soc_start[d] + soc[c(d),h], c(d) being the day's cluster and
    soc the change since the start of the representative day (free sign). Over the year:
    soc_start[st,y,d+1] = soc_start[st,y,d] + soc[st,y,last hour of c(d)]    (cyclic: 365 -> 0)
    soc_high[st,y,c] >= soc[st,y,s],  soc_low[st,y,c] <= soc[st,y,s]          (s in cluster c)
    soc_start[st,y,d] + soc_high[st,y,c(d)] <= capacity * energy_to_power
    soc_start[st,y,d] + soc_low[st,y,c(d)] >= 0
    with soc_high >= 0 >= soc_low (the start of the day is one of its states). No storage in the
    inputs has a self-discharge parameter, so the day-to-day factor (1 - loss)^24 is 1.
    """
    day_cluster = [int(c) for c in d.inputs["day_cluster"].values]
    days = list(range(len(day_cluster)))
    clusters = sorted(set(day_cluster))
    slice_day = d._profiles["slice_day"]
    last_slice = {c: max(s for s in d.slices if slice_day[s] == c) for c in clusters}
    m.storage_days = pyo.Set(initialize=days, ordered=True)
    m.storage_clusters = pyo.Set(initialize=clusters, ordered=True)
    m.soc_start = pyo.Var(
        m.storage_linked,
        m.years,
        m.storage_days,
        domain=pyo.NonNegativeReals,
        doc="GWh stored at the start of each chronological day",
    )
    m.soc_high = pyo.Var(
        m.storage_linked,
        m.years,
        m.storage_clusters,
        domain=pyo.NonNegativeReals,
        doc="highest change of the state within a representative day, GWh",
    )
    m.soc_low = pyo.Var(
        m.storage_linked,
        m.years,
        m.storage_clusters,
        domain=pyo.NonPositiveReals,
        doc="lowest change of the state within a representative day, GWh",
    )

    def link_rule(m: pyo.ConcreteModel, t: str, y: int, day: int) -> pyo.Expression:
        following = (day + 1) % len(days)
        change = m.state_of_charge[t, y, last_slice[day_cluster[day]]]
        return m.soc_start[t, y, following] == m.soc_start[t, y, day] + change

    def high_rule(m: pyo.ConcreteModel, t: str, y: int, s: int) -> pyo.Expression:
        return m.soc_high[t, y, int(slice_day[s])] >= m.state_of_charge[t, y, s]

    def low_rule(m: pyo.ConcreteModel, t: str, y: int, s: int) -> pyo.Expression:
        return m.soc_low[t, y, int(slice_day[s])] <= m.state_of_charge[t, y, s]

    def upper_rule(m: pyo.ConcreteModel, t: str, y: int, day: int) -> pyo.Expression:
        energy = m.capacity[t, y] * d.tech("energy_to_power", t, y)
        return m.soc_start[t, y, day] + m.soc_high[t, y, day_cluster[day]] <= energy

    def lower_rule(m: pyo.ConcreteModel, t: str, y: int, day: int) -> pyo.Expression:
        return m.soc_start[t, y, day] + m.soc_low[t, y, day_cluster[day]] >= 0

    m.storage_day_link = pyo.Constraint(m.storage_linked, m.years, m.storage_days, rule=link_rule)
    m.storage_intraday_high = pyo.Constraint(m.storage_linked, m.years, m.slices, rule=high_rule)
    m.storage_intraday_low = pyo.Constraint(m.storage_linked, m.years, m.slices, rule=low_rule)
    m.storage_day_upper = pyo.Constraint(m.storage_linked, m.years, m.storage_days, rule=upper_rule)
    m.storage_day_lower = pyo.Constraint(m.storage_linked, m.years, m.storage_days, rule=lower_rule)


def define_reserve_margin(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Firm capacity covers peak load with a margin, and the exports committed at the peak.

    sum_t capacity_credit[t] * capacity[t,y]
        >= (1 + reserve_margin) * peak_load[y] + sum_c firm_share[c] * corridor_capacity[c,y]
    with peak_load[y] = consumption[y] * 1000 / 8760 * peak_load_pu
    """
    margin = d.series("system_reserve_margin", d.years[0])
    if margin != margin or "peak_load_pu" not in d.inputs:
        return
    peak_pu = float(d.inputs["peak_load_pu"])

    def rule(m: pyo.ConcreteModel, y: int) -> pyo.Expression:
        if d.scenario.model.pin_base_year and y == d.years[0]:
            return pyo.Constraint.Skip  # the base year's fleet is what it was
        firm = sum(
            d.tech("capacity_credit", t, y, default=0.0) * m.capacity[t, y] for t in d.technologies
        )
        peak = m.electricity_consumption[y] * 1000.0 / HOURS_PER_YEAR * peak_pu
        exports = sum(
            d.series("corridor_firm_share", y, 0.0, corridor=c) * m.corridor_capacity[c, y]
            for c in d.corridors
        )
        return firm >= (1.0 + d.series("system_reserve_margin", y)) * peak + exports

    m.reserve_margin = pyo.Constraint(m.years, rule=rule)


def energy_twh(m: pyo.ConcreteModel, d: ModelData, var: pyo.Var, *index: object) -> pyo.Expression:
    """Annual energy (TWh) of a per-slice GW variable: sum_s weight[s] * var[..., s] / 1000.

    Built once per variable and index and shared by every family that uses it (fuel use,
    variable O&M, accounting, trade): Pyomo expressions are immutable, so sharing is safe, and
    the build does not repeat the slice sum for each use."""
    cache = m.__dict__.setdefault("_energy_twh_cache", {})
    key = (var.name, index)
    if key not in cache:
        weights = m.__dict__.get("_slice_weights")
        if weights is None:
            weights = [d.slice_value("slice_weight", s) for s in d.slices]
            m.__dict__["_slice_weights"] = weights
        terms = [
            MonomialTermExpression((w, v))
            for w, v in zip(weights, by_slice(var)[index], strict=True)
        ]
        cache[key] = LinearExpression(terms) / 1000.0
    return cache[key]


def fuel_use_mtce(m: pyo.ConcreteModel, d: ModelData, t: str, y: int) -> pyo.Expression:
    """Fuel burnt by technology t (Mtce): generation (TWh) x heat rate (gce/kWh) / 1000,
    plus the heat it supplies at its heat fuel rate for CHP."""
    fuel = energy_twh(m, d, m.generation, t, y) * d.tech("heat_rate", t, y, 0.0) / 1000.0
    if t in d.techs_of("chp"):
        share = 1.0 / max(len(d.techs_of("chp")), 1)
        rate = d.tech("heat_fuel_rate", t, y, 0.0)
        fuel += share * energy_twh(m, d, m.chp_heat, y) * rate / 1000.0
    return fuel
