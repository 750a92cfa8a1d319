"""Read the long CSV tables of an inputs folder, with precise errors and unit checks.

Every table row holds one number (`value`) with its `unit` and a `source` id defined in the
folder's SOURCES.md. Rows may name a `year`; an empty year means "every year". Between years
values are interpolated linearly; before the first and after the last they are held flat.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from energysim.errors import InputError, Problem

SOURCE_ID = re.compile(r"^[SAP]\d{2,3}$")
# No input of the model's units comes near this (the largest are costs of ~1e4 CNY/kW); a
# bigger number is a typo or a stand-in for "unlimited", which HiGHS cannot take as data.
MAX_VALUE = 1e9
SAVE_AS_UTF8 = "save it as UTF-8 (Excel: File > Save As > 'CSV UTF-8 (Comma delimited)')"


def read_text(path: Path) -> str:
    """A table's text: UTF-8, with or without the byte-order mark Excel writes.

    Other encodings (GBK from Excel on Chinese Windows, Latin-1, ...) raise `InputError` at the
    first byte that is not UTF-8, with the fix.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        kind = "GBK-encoded (as Excel saves CSV on Chinese Windows)" if _is_gbk(data) else ""
        what = f"the file is {kind}, not UTF-8" if kind else "the file is not UTF-8 text"
        problem = Problem(str(path), line, column, "", f"{what}; {SAVE_AS_UTF8}")
        raise InputError([problem]) from None


def _is_gbk(data: bytes) -> bool:
    try:
        data.decode("gbk")
    except UnicodeDecodeError:
        return False
    return True


def csv_rows(path: Path) -> list[list[str]]:
    """All rows of a CSV file (header first), decoded as `read_text` does."""
    return list(csv.reader(io.StringIO(read_text(path), newline="")))


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
    try:
        lines = csv_rows(path)
    except InputError as err:
        problems.extend(err.problems)
        return []
    header = tuple(h.strip() for h in (lines[0] if lines else ()))
    needed = [*key_columns, "value", "unit", "source"]
    missing = [c for c in needed if c not in header]
    if missing:
        problems.append(Problem(name, 1, 1, "", f"missing columns {missing} (have {list(header)})"))
        return []
    rows = []
    for line_number, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and not any(c.strip() for c in cells[len(header) :]):
            cells = cells[: len(header)]  # trailing empty cells, as spreadsheets write them
        if len(cells) != len(header):
            problems.append(
                Problem(
                    name,
                    line_number,
                    min(len(cells), len(header)) + 1,
                    "",
                    f"row has {len(cells)} cells; the header has {len(header)}",
                )
            )
            continue
        row = dict(zip(header, (c.strip() for c in cells), strict=True))
        parsed = _parse_row(name, line_number, header, key_columns, row, problems)
        if parsed is not None:
            rows.append(parsed)
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
    if not math.isfinite(value) or abs(value) > MAX_VALUE:
        bad("value", f"not a finite number up to {MAX_VALUE:g} (got {row['value']!r})")
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
