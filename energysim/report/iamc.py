"""Results in the IAMC long format (model, scenario, region, variable, unit, year, value) with
the common variable names of the IAMC/AR6 template, and as plain tidy CSV per variable.

Energy is in EJ/yr (1 Mtce = 0.0293076 EJ, 1 TWh = 0.0036 EJ). `Primary Energy` is what the
province uses: fossil fuels used in it (coal net of the coke shipped out, as in the NBS
balance) and non-biomass renewables by the direct-equivalent method (1 TWh of wind = 1 TWh).
Total energy consumption on the NBS definition (能源消费总量: production + inflows - outflows,
electricity valued by the method in the name) is `Primary Energy (NBS total, coal-equivalent)`
(the results' `primary_energy`) and `Primary Energy (NBS total, calorific)`.
`Final Energy|Electricity` is the physical (calorific, 电热当量法) content of 全社会用电量,
which includes power plants' own use and grid losses; the electricity share on both methods is
`Final Energy Share|Electricity (calorific)` and `... (coal-equivalent)` (fraction).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from energysim.report.output import atomic_path

REGION = "CN-SX"
EJ_PER_MTCE = 0.0293076  # 1 kgce = 29.3076 MJ
EJ_PER_TWH = 0.0036
COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "value"]

# technology -> IAMC electricity sub-category
ELECTRICITY = {
    "coal_subcritical": "Coal|w/o CCS",
    "coal_supercritical": "Coal|w/o CCS",
    "coal_ultrasupercritical": "Coal|w/o CCS",
    "coal_chp": "Coal|w/o CCS",
    "coal_ccs": "Coal|w/ CCS",
    "gas_cmm": "Gas",
    "hydro": "Hydro",
    "wind": "Wind",
    "solar": "Solar",
    "biomass": "Biomass",
    "pumped_hydro": "Storage|Pumped Hydro",
    "battery": "Storage|Battery",
}
STORAGE = "Storage"
NON_BIOMASS_RENEWABLES = ("Hydro", "Wind", "Solar")
CARRIER = {
    "coal": "Solids|Coal",
    "gas": "Gases",
    "oil": "Liquids",
    "electricity": "Electricity",
    "heat": "Heat",
    "hydrogen": "Hydrogen",
}
SECTOR = {
    "industry": "Industry",
    "buildings": "Residential and Commercial",
    "transport": "Transportation",
    "other": "Other Sector",
}


def model_name(ds: xr.Dataset) -> str:
    return f"energysim {ds.attrs.get('energysim_version', '')}".strip()


def iamc_variables(ds: xr.Dataset) -> dict[str, tuple[str, np.ndarray]]:
    """Variable name -> (unit, values by model year)."""
    out: dict[str, tuple[str, np.ndarray]] = {}

    def put(name: str, unit: str, values: object) -> None:
        out[name] = (unit, np.asarray(values, dtype=float))

    coal_f = ds["tce_factor_coal"].values * EJ_PER_MTCE  # EJ per Mt
    gas_f = ds["tce_factor_gas"].values * EJ_PER_MTCE  # EJ per bcm
    coal, gas = ds["coal_use"], ds["gas_use"]
    final = ds["final_energy"]  # Mtce (sector, carrier, year)
    generation, capacity = ds["generation"], ds["capacity"]
    groups = _groups(ds)

    # Primary energy and extraction
    coal_in_province = coal.sum("coal_flow") - coal.sel(coal_flow="coal_shipped_out")
    coke_out = ds["coke_shipped_out"].values if "coke_shipped_out" in ds else 0.0
    put(
        "Primary Energy|Coal",
        "EJ/yr",
        coal_in_province.values * coal_f - np.asarray(coke_out) * EJ_PER_MTCE,
    )
    gas_used = gas.sel(gas_flow=["power", "final"]).sum("gas_flow")
    put("Primary Energy|Gas", "EJ/yr", gas_used.values * gas_f)
    put("Primary Energy|Oil", "EJ/yr", _carrier(final, "oil") * EJ_PER_MTCE)
    biomass = [t for t, g in groups.items() if g == "Biomass"]
    put(
        "Primary Energy|Biomass",
        "EJ/yr",
        ds["fuel_input"].sel(technology=biomass).sum("technology").values * EJ_PER_MTCE,
    )
    for group in NON_BIOMASS_RENEWABLES:
        put(f"Primary Energy|{group}", "EJ/yr", _by_group(generation, groups, group) * EJ_PER_TWH)
    parts = ("Coal", "Gas", "Oil", "Biomass", *NON_BIOMASS_RENEWABLES)
    put("Primary Energy", "EJ/yr", sum(out[f"Primary Energy|{k}"][1] for k in parts))
    if "energy_consumption" in ds:
        for method, label in (("coal_equivalent", "coal-equivalent"), ("calorific", "calorific")):
            consumption = ds["energy_consumption"].sel({"method": method}).values
            put(f"Primary Energy (NBS total, {label})", "EJ/yr", consumption * EJ_PER_MTCE)
    put("Resource|Extraction|Coal", "EJ/yr", ds["coal_output"].values * coal_f)
    put("Resource|Extraction|Gas", "EJ/yr", ds["cbm_output"].values * gas_f)

    # Secondary energy
    for group in sorted({g for g in groups.values() if not g.startswith(STORAGE)}):
        put(
            f"Secondary Energy|Electricity|{group}",
            "EJ/yr",
            _by_group(generation, groups, group) * EJ_PER_TWH,
        )
    coal_groups = sorted(g for g in set(groups.values()) if g.startswith("Coal"))
    coal_power = sum(_by_group(generation, groups, g) for g in coal_groups)
    put("Secondary Energy|Electricity|Coal", "EJ/yr", coal_power * EJ_PER_TWH)
    put("Secondary Energy|Electricity", "EJ/yr", ds["generation_total"].values * EJ_PER_TWH)
    heat = ds["chp_heat"] + ds["boiler_heat"]
    put("Secondary Energy|Heat", "EJ/yr", heat.values * EJ_PER_TWH)

    # Final energy (calorific: 1 kWh = 0.1229 kgce)
    put("Final Energy", "EJ/yr", final.sum(["sector", "carrier"]).values * EJ_PER_MTCE)
    for carrier, name in CARRIER.items():
        if carrier in final.carrier.values:
            put(f"Final Energy|{name}", "EJ/yr", _carrier(final, carrier) * EJ_PER_MTCE)
    for method, label in (("calorific", "calorific"), ("coal_equivalent", "coal-equivalent")):
        share = ds["electricity_share_final"].sel({"method": method}).values
        put(f"Final Energy Share|Electricity ({label})", "fraction", share)
    for sector, sector_name in SECTOR.items():
        if sector not in final.sector.values:
            continue
        by_sector = final.sel(sector=sector)
        put(f"Final Energy|{sector_name}", "EJ/yr", by_sector.sum("carrier").values * EJ_PER_MTCE)
        for carrier, name in CARRIER.items():
            if carrier in final.carrier.values:
                values = by_sector.sel(carrier=carrier).values * EJ_PER_MTCE
                put(f"Final Energy|{sector_name}|{name}", "EJ/yr", values)

    # Emissions
    supply = ds["co2_power_heat"].sum("fuel").values
    if "co2_coking" in ds:  # coke ovens burn coke-oven gas: energy supply, not a process
        supply = supply + ds["co2_coking"].values
    demand = ds["co2_final"].sum("fuel")
    put("Emissions|CO2", "Mt CO2/yr", ds["co2_emissions"].values)
    put("Emissions|CO2|Energy", "Mt CO2/yr", supply + demand.sum("sector").values)
    put("Emissions|CO2|Energy|Supply", "Mt CO2/yr", supply)
    put("Emissions|CO2|Energy|Demand", "Mt CO2/yr", demand.sum("sector").values)
    for sector, sector_name in SECTOR.items():
        if sector in demand.sector.values:
            put(
                f"Emissions|CO2|Energy|Demand|{sector_name}",
                "Mt CO2/yr",
                demand.sel(sector=sector).values,
            )
    put("Emissions|CO2|Industrial Processes", "Mt CO2/yr", ds["co2_process"].values)

    # Capacity and trade
    for group in sorted(set(groups.values())):
        put(f"Capacity|Electricity|{group}", "GW", _by_group(capacity, groups, group))
    generators = [t for t, g in groups.items() if not g.startswith(STORAGE)]
    put("Capacity|Electricity", "GW", capacity.sel(technology=generators).sum("technology").values)
    put(
        "Trade|Secondary Energy|Electricity|Volume",
        "EJ/yr",
        ds["electricity_exported"].values * EJ_PER_TWH,
    )
    put(
        "Trade|Primary Energy|Coal|Volume",
        "EJ/yr",
        coal.sel(coal_flow="coal_shipped_out").values * coal_f,
    )
    gas_net = gas.sel(gas_flow="gas_shipped_out").values - ds["gas_import"].values
    put("Trade|Primary Energy|Gas|Volume", "EJ/yr", gas_net * gas_f)
    return out


def to_iamc(ds: xr.Dataset) -> pd.DataFrame:
    """The IAMC long table of one results file."""
    years = [int(y) for y in ds.year.values]
    rows = [
        (model_name(ds), ds.attrs.get("scenario_name", "scenario"), REGION, name, unit, y, v)
        for name, (unit, values) in iamc_variables(ds).items()
        for y, v in zip(years, values, strict=True)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def write_iamc(ds: xr.Dataset, path: str | Path) -> Path:
    """IAMC long format as CSV, or as xlsx (sheet `data`) when `path` ends in .xlsx."""
    path = Path(path)
    table = to_iamc(ds)
    with atomic_path(path) as temporary:
        if path.suffix.lower() == ".xlsx":
            table.to_excel(temporary, sheet_name="data", index=False, engine="openpyxl")
        else:
            table.to_csv(temporary, index=False)
    return path


def write_tidy(ds: xr.Dataset, folder: str | Path) -> list[Path]:
    """One CSV per results variable: its dimensions as columns, then `value` and `unit`."""
    folder = Path(folder)
    written = []
    for name, variable in ds.data_vars.items():
        if variable.dims:
            table = variable.to_dataframe(name="value").reset_index()
            table = table[[*variable.dims, "value"]]
        else:
            table = pd.DataFrame({"value": [variable.values.item()]})
        table["unit"] = variable.attrs.get("units", "")
        path = folder / f"{name}.csv"
        with atomic_path(path) as temporary:
            table.to_csv(temporary, index=False)
        written.append(path)
    return written


def _groups(ds: xr.Dataset) -> dict[str, str]:
    return {str(t): ELECTRICITY.get(str(t), "Other") for t in ds.technology.values}


def _by_group(variable: xr.DataArray, groups: dict[str, str], group: str) -> np.ndarray:
    members = [t for t, g in groups.items() if g == group]
    return variable.sel(technology=members).sum("technology").values


def _carrier(final: xr.DataArray, carrier: str) -> np.ndarray:
    if carrier not in final.carrier.values:
        return np.zeros(final.sizes["year"])
    return final.sel(carrier=carrier).sum("sector").values
