"""Read the long CSV tables of an inputs folder, with precise errors and unit checks.

Every table row holds one number (`value`) with its `unit` and a `source` id defined in the
folder's SOURCES.md. Rows may name a `year`; an empty year means "every year". Between years
values are interpolated linearly; before the first and after the last they are held flat.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from energysim.errors import Problem

SOURCE_ID = re.compile(r"^[SAP]\d{2,3}$")


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    keys: tuple[str, ...]
    year: int | None
    value: float
    unit: str
    source: str
    columns: tuple[str, ...]

    def problem(self, column: str, message: str) -> Problem:
        col = self.columns.index(column) + 1 if column in self.columns else 1
        return Problem(self.file, self.line, col, ".".join(filter(None, self.keys)), message)


def read_table(
    path: Path, key_columns: Sequence[str], problems: list[Problem], *, required: bool = True
) -> list[Row]:
    """Rows of a long table; bad cells are added to `problems` and skipped."""
    name = str(path)
    if not path.is_file():
        if required:
            problems.append(Problem(name, 1, 1, "", "required input table is missing"))
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = tuple(h.strip() for h in next(reader, ()))
        needed = [*key_columns, "value", "unit", "source"]
        missing = [c for c in needed if c not in header]
        if missing:
            problems.append(
                Problem(name, 1, 1, "", f"missing columns {missing} (have {list(header)})")
            )
            return []
        rows = []
        for line_number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            row = dict(zip(header, (c.strip() for c in cells), strict=False))
            rows_problem = _parse_row(name, line_number, header, key_columns, row, problems)
            if rows_problem is not None:
                rows.append(rows_problem)
    return rows


def _parse_row(name, line, header, key_columns, row, problems) -> Row | None:
    def bad(column: str, message: str) -> None:
        col = header.index(column) + 1 if column in header else 1
        path = ".".join(row.get(k, "") for k in key_columns)
        problems.append(Problem(name, line, col, path, message))

    try:
        value = float(row.get("value", ""))
    except ValueError:
        bad("value", f"not a number (got {row.get('value')!r})")
        return None
    if not math.isfinite(value):
        bad("value", f"not a finite number (got {row['value']!r})")
        return None
    year = None
    if row.get("year"):
        try:
            year = int(row["year"])
        except ValueError:
            bad("year", f"not a year (got {row['year']!r})")
            return None
    if not SOURCE_ID.match(row.get("source", "")):
        bad("source", f"needs a source id such as S01 or A01 (got {row.get('source')!r})")
        return None
    if not row.get("unit"):
        bad("unit", "unit is missing")
        return None
    keys = tuple(row.get(k, "") for k in key_columns)
    return Row(name, line, keys, year, value, row["unit"], row["source"], tuple(header))


def check_units(
    rows: Iterable[Row], units: dict[str, str], problems: list[Problem], key: int
) -> None:
    """Each row's unit must be the one the model expects for its parameter (`keys[key]`)."""
    for row in rows:
        parameter = row.keys[key]
        expected = units.get(parameter)
        if expected is None:
            allowed = ", ".join(sorted(units))
            problems.append(
                row.problem(row.columns[key], f"unknown parameter (allowed: {allowed})")
            )
        elif row.unit != expected:
            problems.append(
                row.problem("unit", f"wrong unit (got {row.unit!r}; expected {expected!r})")
            )


def interpolate(rows: Sequence[Row], years: Sequence[int]) -> np.ndarray:
    """Values of one series on `years`: constant rows apply to every year, others interpolate."""
    constant = [r for r in rows if r.year is None]
    if constant:
        return np.full(len(years), constant[-1].value)
    points = sorted((r.year, r.value) for r in rows)
    xs = np.array([p[0] for p in points], dtype=float)
    ys = np.array([p[1] for p in points], dtype=float)
    return np.interp(np.asarray(years, dtype=float), xs, ys)


def grouped(rows: Iterable[Row]) -> dict[tuple[str, ...], list[Row]]:
    groups: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(row.keys, []).append(row)
    return groups


def duplicate_problems(rows: Iterable[Row], problems: list[Problem]) -> None:
    seen: dict[tuple, Row] = {}
    for row in rows:
        key = (row.keys, row.year)
        if key in seen:
            problems.append(row.problem("value", f"duplicate row (first at line {seen[key].line})"))
        else:
            seen[key] = row
