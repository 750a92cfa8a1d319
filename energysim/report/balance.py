"""The energy balance table (能源平衡表) in Mtce for each model year, in the layout of Chinese
energy statistics: supply, outflow, transformation (inputs -, outputs +), losses, final
consumption by sector, and the statistical difference.

Electricity is valued by one accounting method across the whole table: calorific (电热当量法,
0.1229 kgce/kWh) or coal-equivalent (发电煤耗法, the input's coal consumption of thermal power
per kWh). Under the coal-equivalent method thermal power shows a small transformation gain or
loss, since its output is valued at the average coal rate rather than at each plant's.
Fuels are at their calorific value (tce factors of the inputs); heat at 1 TWh_th = 1/8.141 Mtce.
Biomass power is primary electricity, like hydro, wind and solar (NBS; its fuel is not shown).
Coal into coking and coal chemicals is a transformation input; the coke shipped out of the
province is its output and an outflow (at 0.9714 tce/t, calorific). Coke burnt in Shanxi is in
final coal, and the other products and conversion losses of coking and coal chemicals stay in
consumption. `consumption` is total energy consumption (能源消费总量) on the NBS definition:
production + inflows - outflows (no stock change in the model); on the coal-equivalent method
it equals the results' `primary_energy`, on the calorific one `energy_consumption[calorific]`.
Final electricity is 全社会用电量: it includes power plants' own use and grid losses, so the
`grid_losses` row is zero unless the inputs separate them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

METHODS = ("calorific", "coal_equivalent")
COLUMNS = ("coal", "coke", "gas", "oil", "electricity", "heat")
# hydro, wind, solar and (as in NBS statistics and the model's total energy consumption) biomass
# power: their output is primary electricity
PRIMARY_ELECTRICITY_FUELS = ("none", "biomass")

# row key -> (section, English, Chinese)
ROWS: dict[str, tuple[str, str, str]] = {
    "production": ("supply", "Primary production", "一次能源生产量"),
    "inflow": ("supply", "Inflow from other provinces and imports", "外省调入及进口量"),
    "shortfall": ("supply", "Unserved electricity (shortfall)", "未满足电力需求"),
    "supply": ("supply", "Total supply", "能源供应总量"),
    "outflow": ("outflow", "Outflow to other provinces (shipped out, exported)", "本省调出量"),
    "available": ("outflow", "Available for use in the province", "可供本地区消费的能源量"),
    "consumption": (
        "outflow",
        "Total energy consumption (production + inflow - outflow)",
        "能源消费总量",
    ),
    "thermal_power": ("transformation", "Thermal power", "火力发电"),
    "heat_supply": ("transformation", "Heat supply (CHP heat, boilers)", "供热"),
    "coking_chemicals": (
        "transformation",
        "Coking and coal chemicals (output: coke shipped out)",
        "炼焦及煤化工",
    ),
    "storage": ("transformation", "Electricity storage", "储能"),
    "transformation": (
        "transformation",
        "Transformation, inputs (-) outputs (+)",
        "加工转换投入(-)产出(+)量",
    ),
    "station_use": (
        "losses",
        "Generation neither consumed nor exported (base-year gap)",
        "发电量差额",
    ),
    "grid_losses": ("losses", "Own use and grid losses outside 全社会用电量", "其他损失"),
    "losses": ("losses", "Losses", "损失量"),
    "final_industry": ("final", "Industry", "工业"),
    "final_buildings": ("final", "Buildings (residential and commercial)", "建筑 (居民及商业)"),
    "final_transport": ("final", "Transport", "交通运输"),
    "final_other": ("final", "Other (agriculture, construction, ...)", "其他"),
    "final": ("final", "Final consumption", "终端消费量"),
    "difference": ("check", "Statistical difference", "平衡差额"),
}
COLUMN_LABELS = {
    "en": {
        "coal": "Coal",
        "coke": "Coke",
        "gas": "Natural gas",
        "oil": "Oil products",
        "electricity": "Electricity",
        "heat": "Heat",
        "total": "Total",
    },
    "zh": {
        "coal": "原煤",
        "coke": "焦炭",
        "gas": "天然气",
        "oil": "油品",
        "electricity": "电力",
        "heat": "热力",
        "total": "合计",
    },
}


def energy_balance(ds: xr.Dataset, year: int, method: str) -> pd.DataFrame:
    """Rows of ROWS x COLUMNS plus `total`, in Mtce, for one model year and method."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    y = ds.sel(year=year)
    table = pd.DataFrame(0.0, index=list(ROWS), columns=[*COLUMNS, "total"])
    elec = float(y["tce_factor_electricity"].sel({"method": method}))
    elec_final = float(
        y["tce_factor_electricity"].sel({"method": "calorific"})
    )  # final is calorific
    coal_f, gas_f, heat_f = (float(y[f"tce_factor_{k}"]) for k in ("coal", "gas", "heat"))
    fuel_of = {
        str(t): str(f) for t, f in zip(ds.technology.values, ds.technology_fuel.values, strict=True)
    }
    generators = [t for t in fuel_of if t not in _storage(ds)]
    primary = [t for t in generators if fuel_of[t] in PRIMARY_ELECTRICITY_FUELS]
    thermal = [t for t in generators if fuel_of[t] not in PRIMARY_ELECTRICITY_FUELS]
    coal, gas = y["coal_use"], y["gas_use"]
    final = y["final_energy"]

    def fuel_input(fuel: str, heat: bool) -> float:
        members = [t for t in thermal if fuel_of[t] == fuel]
        part = y["fuel_input_heat"].sel(technology=members).sum()
        whole = y["fuel_input"].sel(technology=members).sum()
        return float(part if heat else whole - part)

    put = table.loc.__setitem__
    put(("production", "coal"), float(y["coal_output"]) * coal_f)
    put(("production", "gas"), float(y["cbm_output"]) * gas_f)
    put(("production", "electricity"), _twh(y, primary) * elec)
    put(("inflow", "gas"), float(y["gas_import"]) * gas_f)
    put(("inflow", "oil"), _final(final, "oil"))
    put(("shortfall", "electricity"), float(y["unserved_energy"]) * elec)

    put(("outflow", "coal"), float(coal.sel(coal_flow="coal_shipped_out")) * coal_f)
    put(("outflow", "gas"), float(gas.sel(gas_flow="gas_shipped_out")) * gas_f)
    put(("outflow", "electricity"), float(y["electricity_exported"]) * elec)
    coke_out = float(y["coke_shipped_out"]) if "coke_shipped_out" in y else 0.0
    put(("outflow", "coke"), coke_out)

    for fuel in ("coal", "gas"):
        put(("thermal_power", fuel), -fuel_input(fuel, heat=False))
        put(("heat_supply", fuel), -fuel_input(fuel, heat=True))
    put(("heat_supply", "coal"), table.loc["heat_supply", "coal"] - float(y["boiler_fuel"]))
    put(("thermal_power", "electricity"), _twh(y, thermal) * elec)
    if "heat_electricity" in y:  # electric boilers and heat pumps
        put(("heat_supply", "electricity"), -float(y["heat_electricity"]) * elec)
    heat_out = float(y["chp_heat"] + y["boiler_heat"])
    put(("heat_supply", "heat"), heat_out * heat_f)
    coking = coal.sel(coal_flow=["coal_to_coking", "coal_to_chemicals"]).sum()
    put(("coking_chemicals", "coal"), -float(coking) * coal_f)
    put(("coking_chemicals", "coke"), coke_out)
    charged, discharged = float(y["storage_charge"]), _twh(y, _storage(ds))
    put(("storage", "electricity"), (discharged - charged) * elec)

    final_twh = _final(final, "electricity") / elec_final
    consumption = float(y["electricity_consumption"])
    put(("station_use", "electricity"), float(y["station_use"]) * elec)
    put(("grid_losses", "electricity"), (consumption - final_twh) * elec)

    for sector in final.sector.values:
        row = f"final_{sector}"
        if row not in ROWS:
            raise ValueError(f"no balance row for final-energy sector {sector!r}")
        for carrier in COLUMNS:
            if carrier not in final.carrier.values:
                continue
            value = float(final.sel(sector=sector, carrier=carrier))
            put((row, carrier), value / elec_final * elec if carrier == "electricity" else value)

    sections = {
        "supply": ["production", "inflow", "shortfall"],
        "transformation": ["thermal_power", "heat_supply", "coking_chemicals", "storage"],
        "losses": ["station_use", "grid_losses"],
        "final": [r for r in ROWS if r.startswith("final_")],
    }
    for total, parts in sections.items():
        table.loc[total] = table.loc[parts].sum()
    table.loc["available"] = table.loc["supply"] - table.loc["outflow"]
    table.loc["consumption"] = table.loc["available"] - table.loc["shortfall"]
    table.loc["difference"] = (
        table.loc["available"]
        + table.loc["transformation"]
        - table.loc["losses"]
        - table.loc["final"]
    )
    table["total"] = table[list(COLUMNS)].sum(axis=1)
    return table


def energy_balances(ds: xr.Dataset) -> pd.DataFrame:
    """Every model year under both methods, long: method, year, row, column, value (Mtce)."""
    frames = []
    for method in METHODS:
        for year in ds.year.values:
            table = energy_balance(ds, int(year), method)
            long = table.rename_axis("row").reset_index().melt(id_vars="row", var_name="column")
            long.insert(0, "year", int(year))
            long.insert(0, "method", method)
            frames.append(long)
    return pd.concat(frames, ignore_index=True)


def labelled(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table with row and column labels in `lang` (en or zh)."""
    index = [ROWS[r][2] if lang == "zh" else ROWS[r][1] for r in table.index]
    return table.set_axis(index).rename(columns=COLUMN_LABELS[lang])


def format_balance(table: pd.DataFrame, lang: str = "en") -> str:
    """A plain-text table for the terminal, Mtce with two decimals."""
    shown = labelled(table, lang)
    return shown.to_string(float_format=lambda v: f"{v:9.2f}")


def _storage(ds: xr.Dataset) -> list[str]:
    """Storage technologies (their `generation` is what they discharge)."""
    kinds = zip(ds.technology.values, ds.technology_kind.values, strict=True)
    return [str(t) for t, k in kinds if k == "storage"]


def _twh(y: xr.Dataset, technologies: list[str]) -> float:
    return float(y["generation"].sel(technology=technologies).sum())


def _final(final: xr.DataArray, carrier: str) -> float:
    if carrier not in final.carrier.values:
        return 0.0
    return float(final.sel(carrier=carrier).sum())


def closure_error(table: pd.DataFrame) -> float:
    """Largest |statistical difference| relative to what flows through a column (supply plus
    transformation outputs), over the columns and the total: zero when the balance closes,
    i.e. supply = outflow + transformation losses + losses + final consumption."""
    parts = ["thermal_power", "heat_supply", "coking_chemicals", "storage"]
    outputs = table.loc[parts].clip(lower=0).sum()
    throughput = (table.loc["supply"] + outputs).to_numpy()
    scale = np.maximum(np.abs(throughput), 1e-12)
    return float(np.max(np.abs(table.loc["difference"].to_numpy()) / scale))
