"""Grid cost of wind and solar: connecting new plants to the grid and balancing their output.

Both are costs the rest of the model does not see. Dispatch over representative days prices the
variability of wind and solar (curtailment, thermal plants running fewer hours, the reserve
margin's capacity credits) but not the lines that connect a new plant, nor the reserves that
cover forecast errors: a deterministic LP knows every hour's output in advance.
"""

from __future__ import annotations

import pyomo.environ as pyo

from energysim.model.data import ModelData, capital_recovery_factor
from energysim.model.dispatch import energy_twh


def connection_alive(d: ModelData, tech: str, year: int) -> list[int]:
    """Model years whose connections built for new `tech` still stand (and are paid) in `year`.

    A connection is paid over its own lifetime (`grid_connection_lifetime`, lines and
    substations), which may outlast the plant it was built for: the line stays and serves the
    plant that replaces it.
    """
    return [
        b
        for b in d.years
        if b <= year and year - b < d.tech("grid_connection_lifetime", tech, b, 1e9)
    ]


def grid_connection_cost(m: pyo.ConcreteModel, d: ModelData, y: int) -> pyo.Expression:
    """Annuities of the grid connections of new capacity standing in y, MCNY/yr:

    grid_connection[y] = sum_t sum_{b: connection alive in y} new_capacity[t,b]
                         * grid_connection_capex[t,b] * CRF(r, grid_connection_lifetime[t,b])

    with r the scenario's discount rate (as for capex); GW x CNY/kW = MCNY. Technologies
    without a `grid_connection_capex` row pay nothing here (their connection is in their capex).
    """
    rate = d.scenario.economics.discount_rate
    total: object = 0.0
    for t in m.technologies:
        for b in connection_alive(d, t, y):
            capex = d.tech("grid_connection_capex", t, b, 0.0)
            if capex == 0.0:
                continue
            life = min(d.tech("grid_connection_lifetime", t, b, 1.0), 1e3)
            total += m.new_capacity[t, b] * capex * capital_recovery_factor(rate, life)
    return total


def grid_integration_cost(m: pyo.ConcreteModel, d: ModelData, y: int) -> pyo.Expression:
    """Balancing cost of the wind and solar generated in y, MCNY/yr:

    grid_integration[y] = sum_t generation_TWh[t,y] * integration_cost[t,y]

    TWh x CNY/MWh = MCNY. Charged on what is generated, not on what is curtailed: balancing
    reserves cover the output a plant delivers.
    """
    total: object = 0.0
    for t in m.generators:
        cost = d.tech("integration_cost", t, y, 0.0)
        if cost:
            total += energy_twh(m, d, m.generation, t, y) * cost
    return total
