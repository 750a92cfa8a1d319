"""Pre-solve screening: targets that the inputs make impossible, found before any model is built
and reported like validation errors: the scenario line that set the target, its value, and the
input that blocks it. Each check uses a bound that holds for every plan the model could choose,
so a screening problem is always a real infeasibility (never a false alarm)."""

from __future__ import annotations

from energysim.errors import Problem
from energysim.model.data import TWH_PER_MTCE, ModelData
from energysim.model.demand import efficiency, has_final_energy, useful_demand
from energysim.model.emissions import COMBUSTION_FUELS, emission_factor, fixed_emissions
from energysim.model.trade import corridor_existing
from energysim.scenario.load import locate


def impossible_targets(d: ModelData) -> list[Problem]:
    """Every target the inputs rule out, each located at its line in the scenario file."""
    return [*_cbm(d), *_coal(d), *_exports(d), *_co2(d)]


def _problem(d: ModelData, loc: tuple, message: str) -> Problem:
    return locate(d.scenario, ("targets", *loc), message)


def _held(d: ModelData, quantity: str, year: int) -> tuple[int, float, str] | None:
    """The latest value before `year` that the scenario holds to history: (year, value, where)."""
    rows = [f for f in d.history_fixed if f.quantity == quantity and f.year < year]
    if not rows:
        return None
    last = max(rows, key=lambda f: f.year)
    return last.year, last.value, f"history.csv {last.statistic} {last.source}, history.fix"


def _cbm(d: ModelData) -> list[Problem]:
    growth = d.series("gas_max_growth", d.years[0])
    problems = []
    for year, minimum in d.scenario.targets.cbm_output_min.items():
        start, base, where = _held(d, "gas_output", year) or (
            d.years[0],
            d.base("unconventional_gas_output"),
            "base_year.csv",
        )
        reachable = d.series("gas_resource_max", year, default=float("inf"))
        if base == base and growth == growth:
            reachable = min(reachable, base * (1 + growth) ** (year - start))
        if minimum > reachable + 1e-9:
            problems.append(
                _problem(
                    d,
                    ("cbm_output_min", year),
                    f"{minimum:g} bcm cannot be reached: output {base:g} bcm in {start} "
                    f"({where}) growing at most {growth:.0%}/yr (gas_supply.csv "
                    f"max_growth) and within gas_supply.csv resource_max gives at most "
                    f"{reachable:.1f} bcm in {year}",
                )
            )
    return problems


def _coal(d: ModelData) -> list[Problem]:
    problems = []
    rate = d.series("coal_max_change", d.years[0])
    for year, band in d.scenario.targets.coal_output.items():
        held = _held(d, "raw_coal_output", year)
        if held is not None and rate == rate:
            start, value, where = held
            # coal_output_ramp_*: the step of a period is rate x its length x mine capacity
            step = sum(
                rate * d.period_length[y] * d.series("coal_mine_capacity", y)
                for y in d.years
                if start <= y < year
            )
            low, high = value - step, value + step
            out_of_reach = {
                "min": band.min is not None and band.min > high + 1e-9,
                "max": band.max is not None and band.max < low - 1e-9,
            }
            for side in (s for s, bad in out_of_reach.items() if bad):
                problems.append(
                    _problem(
                        d,
                        ("coal_output", year, side),
                        f"{getattr(band, side):g} Mt cannot be reached from {value:g} Mt in "
                        f"{start} ({where}): output changes at most {rate:.0%}/yr of mine "
                        f"capacity (coal_supply.csv max_change), so {year} lies in "
                        f"{low:.0f}-{high:.0f} Mt",
                    )
                )
        capacity = d.series("coal_mine_capacity", year)
        if band.min is not None and capacity == capacity and band.min > capacity:
            problems.append(
                _problem(
                    d,
                    ("coal_output", year, "min"),
                    f"{band.min:g} Mt is above the mine capacity of {capacity:g} Mt/yr in "
                    f"{year} (coal_supply.csv mine_capacity)",
                )
            )
    return problems


def _exports(d: ModelData) -> list[Problem]:
    problems = []
    for year, band in d.scenario.targets.export_capacity.items():
        existing = sum(corridor_existing(d, c, year) for c in d.corridors)
        expandable = sum(
            max(
                d.series("corridor_max_capacity", year, default=float("inf"), corridor=c),
                corridor_existing(d, c, year),
            )
            for c in d.corridors
        )
        if band.min is not None and band.min > expandable:
            problems.append(
                _problem(
                    d,
                    ("export_capacity", year, "min"),
                    f"{band.min:g} GW is above what the corridors can be expanded to, "
                    f"{expandable:g} GW (corridors.csv max_capacity)",
                )
            )
        if band.max is not None and band.max < existing:
            problems.append(
                _problem(
                    d,
                    ("export_capacity", year, "max"),
                    f"{band.max:g} GW is below the corridor capacity already built, "
                    f"{existing:g} GW (corridors.csv capacity)",
                )
            )
    return problems


def _co2(d: ModelData) -> list[Problem]:
    """CO2 caps and budgets below the emissions no plan can avoid (see `co2_floor`)."""
    problems = []
    targets = d.scenario.targets
    for year, cap in targets.co2_cap.items():
        floor, parts = co2_floor(d, year)
        if cap < floor - 1e-6:
            problems.append(
                _problem(
                    d,
                    ("co2_cap", year),
                    f"{cap:g} Mt is below the {floor:.1f} Mt CO2 that no plan can avoid in "
                    f"{year}: {_describe(parts)}",
                )
            )
    budget = targets.co2_budget
    if budget is not None:
        inside = [y for y in d.years if budget.start <= y < budget.end]
        floor = sum(co2_floor(d, y)[0] * d.period_length[y] for y in inside)
        floor += co2_floor(d, budget.end)[0]
        if budget.max < floor - 1e-6:
            problems.append(
                _problem(
                    d,
                    ("co2_budget", "max"),
                    f"{budget.max:g} Mt is below the {floor:.0f} Mt CO2 that no plan can avoid "
                    f"from {budget.start} to {budget.end} (process emissions, fossil final "
                    "use held by the switching limits, district heat from coal)",
                )
            )
    return problems


def _describe(parts: dict[str, float]) -> str:
    sources = {
        "process": "coke-oven combustion and cement process CO2 (process_emissions.csv, "
        "exogenous_demand.csv coal_to_coking)",
        "final": "fossil final use that the carrier-switching limits keep "
        "(final_energy.csv, final_energy_parameters.csv max_switch/min_share)",
        "heat": "district heat from coal CHP or boilers at the lowest fuel rate "
        "(technology_parameters.csv heat_fuel_rate, heat_rate)",
    }
    return " + ".join(f"{parts[k]:.1f} Mt {sources[k]}" for k in sources if parts.get(k))


def co2_floor(d: ModelData, year: int) -> tuple[float, dict[str, float]]:
    """A lower bound on territorial CO2 in `year` (Mt) that holds for every feasible plan.

    floor = coking[y] + process[y]
          + sum_{s, f fossil} useful_min[s,f,y] / eff[s,f,y] * ef[f,y]
          + heat_min[y] * TWh/Mtce * min_rate / 1000 * ef[coal]
    min_rate = least of the CHP heat fuel rates x (1 - capture) and the boiler heat rates
               (0 when an electric boiler or heat pump can supply heat).
    useful_min follows the switching constraint from the pinned base year:
      useful_min[y] = max(useful_min[y-1] * useful[y]/useful[y-1]
                          - max_switch * period_length[y-1] * useful[y],  min_share * useful[y], 0)
    """
    parts = {"process": fixed_emissions(d, year), "final": 0.0, "heat": 0.0}
    if not has_final_energy(d):
        return sum(parts.values()), parts
    heat_final = 0.0
    for sector in d.sectors:
        for carrier in (*COMBUSTION_FUELS, "heat"):
            if carrier not in d.carriers:
                continue
            final = _final_use_floor(d, sector, carrier, year)
            if carrier == "heat":
                heat_final += final
            else:
                parts["final"] += final * emission_factor(d, carrier, year)
    rates = [
        d.tech("heat_fuel_rate", t, year, float("nan")) * (1 - d.tech("capture_rate", t, year, 0.0))
        for t in d.techs_of("chp")
    ]
    rates += [d.tech("heat_rate", b, year, float("nan")) for b in d.boilers]
    rates += [0.0 for b in d.boilers if d.fuel[b] == "none"]  # electric heat burns nothing here
    rates = [r for r in rates if r == r]
    if rates:
        fuel_mtce = heat_final * TWH_PER_MTCE * min(rates) / 1000.0
        parts["heat"] = fuel_mtce * emission_factor(d, "coal", year)
    return sum(parts.values()), parts


def _final_use_floor(d: ModelData, sector: str, carrier: str, year: int) -> float:
    """Least final use (Mtce) of `carrier` in `sector` in `year` any plan can reach."""
    useful = 0.0
    for y in d.years:
        if y > year:
            break
        eff = efficiency(d, sector, carrier, y)
        if eff != eff:
            return 0.0
        demand = useful_demand(d, sector, y)
        prev = d.previous_year(y)
        if prev is None:
            pinned = d.scenario.model.pin_base_year
            base = float(d.inputs["final_energy_base"].sel(sector=sector, carrier=carrier))
            useful = base * eff if pinned else 0.0
        else:
            rate = d.series("final_max_switch", y, sector=sector)
            growth = demand / max(useful_demand(d, sector, prev), 1e-9)
            step = rate * d.period_length[prev] * demand if rate == rate else float("inf")
            useful = max(useful * growth - step, 0.0)
        share = d.series("final_min_share", y, default=0.0, sector=sector, carrier=carrier)
        useful = max(useful, share * demand if share == share else 0.0)
    return useful / efficiency(d, sector, carrier, year)
