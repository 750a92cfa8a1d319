"""One self-contained HTML page of a run: charts embedded as inline SVG, the KPI table, every
target of the scenario with met/missed, the energy balance of the last model year, provenance."""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from pathlib import Path

import matplotlib as mpl
import xarray as xr
from matplotlib.figure import Figure

from energysim.report import fonts
from energysim.report.balance import METHODS, energy_balance, labelled
from energysim.report.charts import charts_for, write_charts
from energysim.report.history import plan_vs_actual
from energysim.report.labels import KPIS, text
from energysim.report.output import write_text
from energysim.report.pathway import corridor_rows, peak_driver, shadow_price
from energysim.report.targets import check_targets, scenario_of

PROVENANCE = (
    "scenario_name",
    "scenario_hash",
    "inputs_folder",
    "inputs_hash",
    "energysim_version",
    "python_version",
    "pyomo_version",
    "highs_version",
    "solver_options",
    "termination_status",
    "solve_seconds",
)
STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em}
table{border-collapse:collapse;margin:1em 0;font-size:90%}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}
.met{color:#1a7f37;font-weight:bold}.missed{color:#cf222e;font-weight:bold}
figure{margin:1.5em 0}svg{max-width:100%;height:auto}
"""


def kpi_rows(ds: xr.Dataset, lang: str) -> list[list[str]]:
    rows = []
    for en, zh, variable, method, unit, fmt in KPIS:
        data = ds[variable].sel({"method": method}) if method else ds[variable]
        cells = [fmt.format(float(v)) for v in data.values]
        rows.append([zh if lang == "zh" else en, unit, *cells])
    return rows


def report_html(ds: xr.Dataset, lang: str = "en") -> str:
    """The page as a string; charts are drawn here and embedded as SVG."""
    title = f"{text(lang, 'report_title')}: {ds.attrs.get('scenario_name', '')}"
    years = [str(int(y)) for y in ds.year.values]
    parts = [f"<h1>{_e(title)}</h1>"]
    description = scenario_of(ds).get("description", "")
    if description:
        parts.append(f"<p>{_e(description)}</p>")

    parts.append(f"<h2>{_e(text(lang, 'kpis'))}</h2>")
    parts.append(_table(["", "unit", *years], kpi_rows(ds, lang)))
    parts.append(
        f"<p>{_e(peak_driver(ds, lang))}. "
        f"total cost {float(ds['total_cost']) / 1e12:.3f} trillion CNY (discounted)</p>"
    )

    parts.append(f"<h2>{_e(text(lang, 'targets'))}</h2>")
    checks = check_targets(ds)
    if checks:
        rows = [
            [
                _e(c.name),
                _e(c.description),
                _e(f"{c.value:.4g} {c.unit}"),
                f'<span class="{"met" if c.met else "missed"}">'
                f"{_e(text(lang, 'met' if c.met else 'missed'))}</span>",
                _e(f"{shadow_price(ds, c.name):.4g}"),
            ]
            for c in checks
        ]
        header = [text(lang, k) for k in ("target", "bound", "value", "status", "shadow_price")]
        parts.append(_table(header, rows, escape=False))
    else:
        parts.append(f"<p>{_e(text(lang, 'no_targets'))}</p>")

    plan_rows = plan_vs_actual(ds, lang)
    if plan_rows:
        parts.append(f"<h2>{_e(text(lang, 'plan_actual'))}</h2>")
        header = [
            text(lang, k)
            for k in ("indicator", "plan_target", "scenario_column", "model_2025", "actual_2025")
        ]
        parts.append(_table(header, plan_rows))

    parts.append(f"<h2>{_e(text(lang, 'corridors'))}</h2>")
    parts.append(_table(["", *years], corridor_rows(ds, [int(y) for y in years])))

    parts.append(f"<h2>{_e(text(lang, 'charts'))}</h2>")
    parts += embedded_charts(ds, lang, charts_for(ds))

    last = int(ds.year.values[-1])
    parts.append(f"<h2>{_e(text(lang, 'balance'))}, {last}</h2>")
    for method in METHODS:
        table = labelled(energy_balance(ds, last, method), lang)
        parts.append(f"<h3>{_e(text(lang, method))}</h3>")
        rows = [[str(i), *(f"{v:.2f}" for v in row)] for i, row in table.iterrows()]
        parts.append(_table(["", *table.columns], rows))

    parts.append(f"<h2>{_e(text(lang, 'provenance'))}</h2>")
    rows = [[k, str(ds.attrs[k])] for k in PROVENANCE if k in ds.attrs]
    parts.append(_table(["", ""], rows))
    return page(title, parts, lang)


def embedded_charts(
    ds: xr.Dataset, lang: str, charts: dict[str, Callable[[xr.Dataset, str], Figure]]
) -> list[str]:
    """Each chart drawn as inline SVG in a <figure id="chart-NAME">."""
    figures = []
    with mpl.rc_context(fonts.rc(lang)):
        for chart, draw in charts.items():
            buffer = io.StringIO()
            draw(ds, lang).savefig(buffer, format="svg")
            svg = buffer.getvalue()
            svg = svg[svg.index("<svg") :].strip()  # drop the XML prolog and doctype
            figures.append(f'<figure id="chart-{chart}" data-chart="{chart}">{svg}</figure>')
    return figures


def page(title: str, parts: list[str], lang: str) -> str:
    """A self-contained HTML page of the given body parts."""
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{_e(title)}</title><style>{STYLE}</style></head>'
        f"<body>\n{body}\n</body></html>\n"
    )


def write_report(ds: xr.Dataset, folder: str | Path, lang: str = "en") -> Path:
    """Charts (PNG, SVG) and report.html in `folder`."""
    folder = Path(folder)
    write_charts(ds, folder, lang)
    return write_text(folder / "report.html", report_html(ds, lang))


def _e(value: object) -> str:
    return html.escape(str(value))


def _table(header: list[str], rows: list[list[str]], escape: bool = True) -> str:
    def cells(row: list[str], tag: str) -> str:
        return "".join(f"<{tag}>{_e(c) if escape else c}</{tag}>" for c in row)

    head = f"<tr>{cells(header, 'th')}</tr>"
    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows)
    return f"<table>{head}{body}</table>"
