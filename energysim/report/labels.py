"""Every label of the charts and the HTML page in English and Chinese, and the reference values
the charts draw (the 14th Five-Year Plan Outline's 2025 targets, 晋政发〔2021〕7号, chapter 5).

The shipped Chinese font is a subset holding only the characters used here: after changing a
Chinese label, run `python -m energysim.report.fonts SOURCE_FONT` (tests fail until you do).
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

# Reference bands of the plan (drawn on every run, whatever its scenario's targets)
COAL_BAND_MT = (950.0, 1050.0)  # "stable around 1 bn t", read as +/- 5 %
CBM_TARGET_BCM = 25.0
EXPORT_BAND_GW = (50.0, 60.0)
ELECTRICITY_SHARE_TARGET = 0.40

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "year": "Year",
        "capacity_title": "Power capacity by technology",
        "capacity_unit": "GW",
        "generation_title": "Electricity generation by technology",
        "generation_unit": "TWh",
        "exported_line": "exported",
        "coal_title": "Raw coal: output and its uses",
        "coal_unit": "Mt raw coal",
        "coal_output": "coal output",
        "coal_band": "plan: around 1 bn t (950-1,050 Mt)",
        "cbm_title": "Coalbed methane and unconventional gas output",
        "cbm_unit": "bcm",
        "cbm_output": "output",
        "cbm_target": "plan target: 25 bcm (2025)",
        "scenario_target": "scenario target",
        "export_title": "Electricity export corridors",
        "export_capacity": "export capacity (GW)",
        "export_energy": "exported electricity (TWh)",
        "export_band": "plan: 50-60 GW (2025)",
        "final_title": "Final energy by carrier and the electricity share",
        "final_unit": "Mtce (calorific)",
        "share_unit": "electricity share of final energy",
        "share_calorific": "share, calorific method",
        "share_coal_equivalent": "share, coal-equivalent method",
        "share_target": "plan: 40 % (2025)",
        "co2_title": "CO2 emissions",
        "co2_unit": "Mt CO2",
        "co2_by_fuel": "by fuel",
        "co2_by_sector": "by sector",
        "peak_year": "peak year",
        "peak_target": "peak-year target",
        "co2_cap": "CO2 cap",
        "process": "industrial processes",
        "price_title": "Marginal electricity price by time slice",
        "price_unit": "CNY/MWh",
        "slice_axis": "time slice (season, hour)",
        "compare_co2_title": "CO2 pathways",
        "compare_coal_title": "Raw coal output",
        "compare_share_title": "Electricity share of final energy (coal-equivalent method)",
        "share": "share",
        "report_title": "energysim report",
        "kpis": "Key results",
        "targets": "Targets of the scenario",
        "target": "target",
        "bound": "bound",
        "value": "model value",
        "status": "status",
        "met": "met",
        "missed": "missed",
        "no_targets": "The scenario sets no targets.",
        "charts": "Charts",
        "balance": "Energy balance (Mtce)",
        "provenance": "Provenance",
        "calorific": "calorific method",
        "coal_equivalent": "coal-equivalent method",
        "sweep_title": "energysim sweep report",
        "sweep_settings": "Sweep",
        "samples": "samples",
        "fan_co2_title": "CO2 emissions across the samples",
        "fan_kpis_title": "Key results across the samples",
        "band_outer": "5-95 % of samples",
        "band_inner": "25-75 % of samples",
        "median": "median",
        "peak_hist_title": "Year of the CO2 peak across the samples",
        "share_of_samples": "share of samples (%)",
        "peaked_by": "peaked by this year (cumulative)",
        "probabilities": "Probability of meeting each target",
        "probability": "probability",
        "samples_meeting": "samples meeting it",
        "co2_quantiles": "CO2 by year, quantiles over the samples (Mt)",
        "sampled_inputs": "Sampled inputs (multipliers of the scenario's inputs)",
        "parameter": "parameter",
    },
    "zh": {
        "year": "年份",
        "capacity_title": "分技术装机容量",
        "capacity_unit": "吉瓦",
        "generation_title": "分技术发电量",
        "generation_unit": "太瓦时",
        "exported_line": "外送电量",
        "coal_title": "原煤产量及其用途",
        "coal_unit": "百万吨原煤",
        "coal_output": "原煤产量",
        "coal_band": "规划：稳定在10亿吨左右 (9.5-10.5亿吨)",
        "cbm_title": "煤层气及非常规天然气产量",
        "cbm_unit": "十亿立方米",
        "cbm_output": "产量",
        "cbm_target": "规划目标：250亿立方米 (2025年)",
        "scenario_target": "情景目标",
        "export_title": "外送电通道",
        "export_capacity": "外送能力 (吉瓦)",
        "export_energy": "外送电量 (太瓦时)",
        "export_band": "规划：5000-6000万千瓦 (2025年)",
        "final_title": "分品种终端能源消费及电能占比",
        "final_unit": "百万吨标准煤 (电热当量法)",
        "share_unit": "电能占终端能源消费比重",
        "share_calorific": "占比，电热当量法",
        "share_coal_equivalent": "占比，发电煤耗法",
        "share_target": "规划：40% (2025年)",
        "co2_title": "二氧化碳排放",
        "co2_unit": "百万吨二氧化碳",
        "co2_by_fuel": "分燃料",
        "co2_by_sector": "分部门",
        "peak_year": "达峰年份",
        "peak_target": "达峰目标年份",
        "co2_cap": "排放上限",
        "process": "工业过程",
        "price_title": "分时段边际电价",
        "price_unit": "元/兆瓦时",
        "slice_axis": "时段 (季节, 小时)",
        "compare_co2_title": "二氧化碳排放路径",
        "compare_coal_title": "原煤产量",
        "compare_share_title": "电能占终端能源消费比重 (发电煤耗法)",
        "share": "比重",
        "report_title": "energysim 报告",
        "kpis": "主要结果",
        "targets": "情景目标",
        "target": "目标",
        "bound": "限值",
        "value": "模型结果",
        "status": "状态",
        "met": "达成",
        "missed": "未达成",
        "no_targets": "该情景未设定目标。",
        "charts": "图表",
        "balance": "能源平衡表 (百万吨标准煤)",
        "provenance": "来源信息",
        "calorific": "电热当量法",
        "coal_equivalent": "发电煤耗法",
        "sweep_title": "energysim 不确定性分析报告",
        "sweep_settings": "抽样设置",
        "samples": "样本数",
        "fan_co2_title": "二氧化碳排放 (各样本分布)",
        "fan_kpis_title": "主要结果 (各样本分布)",
        "band_outer": "5-95% 样本区间",
        "band_inner": "25-75% 样本区间",
        "median": "中位数",
        "peak_hist_title": "二氧化碳排放达峰年份分布",
        "share_of_samples": "样本占比 (%)",
        "peaked_by": "累计：至该年已达峰",
        "probabilities": "各目标达成概率",
        "probability": "概率",
        "samples_meeting": "达成样本数",
        "co2_quantiles": "二氧化碳排放分位数 (百万吨)",
        "sampled_inputs": "抽样参数 (情景输入的倍数)",
        "parameter": "参数",
    },
}

# Series names: technology groups, coal uses, carriers, fuels, sectors, seasons
NAMES: dict[str, dict[str, str]] = {
    "en": {
        "coal": "coal",
        "coal_ccs": "coal with CCS",
        "gas": "gas",
        "hydro": "hydro",
        "wind": "wind",
        "solar": "solar",
        "biomass": "biomass",
        "storage": "storage",
        "other": "other",
        "oil": "oil",
        "electricity": "electricity",
        "heat": "heat",
        "hydrogen": "hydrogen",
        "power_heat": "power and heat",
        "final": "final use",
        "coal_to_coking": "coking",
        "coal_to_chemicals": "coal chemicals",
        "coal_shipped_out": "shipped out",
        "industry": "industry",
        "buildings": "buildings",
        "transport": "transport",
        "process": "industrial processes",
        "winter": "winter",
        "spring": "spring",
        "summer": "summer",
        "autumn": "autumn",
    },
    "zh": {
        "coal": "煤电",
        "coal_ccs": "煤电+碳捕集",
        "gas": "燃气",
        "hydro": "水电",
        "wind": "风电",
        "solar": "太阳能",
        "biomass": "生物质",
        "storage": "储能",
        "other": "其他",
        "oil": "石油",
        "electricity": "电力",
        "heat": "热力",
        "hydrogen": "氢能",
        "power_heat": "发电供热",
        "final": "终端消费",
        "coal_to_coking": "炼焦",
        "coal_to_chemicals": "煤化工",
        "coal_shipped_out": "外运",
        "industry": "工业",
        "buildings": "建筑",
        "transport": "交通",
        "process": "工业过程",
        "winter": "冬",
        "spring": "春",
        "summer": "夏",
        "autumn": "秋",
    },
}
# carriers and fuels (a stack of final energy or CO2 by fuel, not of power technologies)
CARRIER_NAMES = {
    "en": {"coal": "coal", "gas": "gas", "oil": "oil", "process": "industrial processes"},
    "zh": {"coal": "煤炭", "gas": "天然气", "oil": "石油", "process": "工业过程"},
}

# KPI rows: (label en, label zh, variable, method or None, unit, format)
KPIS: list[tuple[str, str, str, str | None, str, str]] = [
    ("coal output", "原煤产量", "coal_output", None, "Mt", "{:.0f}"),
    ("CBM/gas output", "煤层气产量", "cbm_output", None, "bcm", "{:.1f}"),
    ("export capacity", "外送能力", "export_capacity", None, "GW", "{:.1f}"),
    ("exported", "外送电量", "electricity_exported", None, "TWh", "{:.1f}"),
    ("generation", "发电量", "generation_total", None, "TWh", "{:.1f}"),
    (
        "elec. share (cal.)",
        "电能占比 (电热当量法)",
        "electricity_share_final",
        "calorific",
        "%",
        "{:.1%}",
    ),
    (
        "elec. share (coal-eq.)",
        "电能占比 (发电煤耗法)",
        "electricity_share_final",
        "coal_equivalent",
        "%",
        "{:.1%}",
    ),
    ("non-fossil share", "非化石能源占比", "non_fossil_share", None, "%", "{:.1%}"),
    ("CO2", "二氧化碳排放", "co2_emissions", None, "Mt", "{:.0f}"),
]

# Fan-chart panels of a sweep: (label en, label zh, variable, method or None, unit, scale)
SWEEP_KPIS: list[tuple[str, str, str, str | None, str, float]] = [
    ("coal output", "原煤产量", "coal_output", None, "Mt", 1.0),
    ("CBM/gas output", "煤层气产量", "cbm_output", None, "bcm", 1.0),
    ("exported", "外送电量", "electricity_exported", None, "TWh", 1.0),
    ("generation", "发电量", "generation_total", None, "TWh", 1.0),
    ("non-fossil share", "非化石能源占比", "non_fossil_share", None, "%", 100.0),
    (
        "elec. share (coal-eq.)",
        "电能占比 (发电煤耗法)",
        "electricity_share_final",
        "coal_equivalent",
        "%",
        100.0,
    ),
    ("unserved energy", "缺供电量", "unserved_energy", None, "TWh", 1.0),
    ("curtailment", "弃电量", "curtailment", None, "TWh", 1.0),
]


def text(lang: str, key: str) -> str:
    return TEXT[lang][key]


def name(lang: str, key: str) -> str:
    return NAMES[lang].get(key, key)


def chinese_characters() -> set[str]:
    """Every non-ASCII character the charts can draw in Chinese (what the font subset holds)."""
    from energysim.report.balance import COLUMN_LABELS, ROWS

    strings = [*TEXT["zh"].values(), *NAMES["zh"].values(), *CARRIER_NAMES["zh"].values()]
    strings += [k[1] for k in (*KPIS, *SWEEP_KPIS)] + [r[2] for r in ROWS.values()]
    strings += list(COLUMN_LABELS["zh"].values())
    return {c for s in strings for c in s if ord(c) > 127}
