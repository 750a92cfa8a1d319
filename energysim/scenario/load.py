"""Read scenario YAML files: line marks, duplicate keys, `extends`, `--set` overrides.

Every value keeps the file, line and column it came from, so that a schema or cross-field
error names the place a planner has to edit. All problems are collected, then raised once.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from energysim.errors import InputError, Problem
from energysim.scenario.checks import cross_field_problems
from energysim.scenario.schema import Scenario

Key = str | int
Where = tuple[str, int, int]  # file, line, column (1-based)
Positions = dict[tuple[Key, ...], Where]

# Bounds on what one scenario file may make the walker do. A real scenario is a few kB with a
# few hundred values nested five deep; the bounds stop alias bombs ("billion laughs": a few
# hundred bytes expanding to 10^9 values), recursive aliases and huge files quickly and in
# bounded memory, each as a located input error.
MAX_FILE_BYTES = 1_000_000
MAX_VALUES = 100_000  # values visited, aliases counted at every use
MAX_DEPTH = 32


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Load, merge (`extends`), override (`--set`) and validate a scenario file.

    Raises `InputError` listing every problem found, each with file, line, column and field.
    """
    data, positions = _read_with_parents(Path(path), chain=())
    problems = _apply_overrides(data, positions, overrides)
    if problems:
        raise InputError(problems)
    _resolve_inputs_path(data, positions)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise InputError(_problems_from_validation(err, data, positions, path)) from None
    problems = [
        _locate(loc, message, positions, path) for loc, message in cross_field_problems(scenario)
    ]
    if not scenario.inputs.is_dir():  # named at the line that states it, not at the folder
        message = f"inputs folder not found (resolved to {scenario.inputs})"
        problems.append(_locate(("inputs",), message, positions, path))
    if problems:
        raise InputError(problems)
    scenario._positions = {**positions, (): (str(path), 1, 1)}
    return scenario


def locate(scenario: Scenario, loc: tuple[Key, ...], message: str) -> Problem:
    """A problem about `loc` (e.g. ("targets", "co2_cap", 2025)) of a loaded scenario, placed
    at the line that set it, for checks that run after loading (pre-solve screening)."""
    positions: Positions = scenario._positions
    return _locate(loc, message, positions, positions.get((), ("<scenario>",))[0])


def _read_with_parents(path: Path, chain: tuple[Path, ...]) -> tuple[dict, Positions]:
    """Read one file and, recursively, the file it `extends`; the child's values win."""
    data, positions = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, positions
    where = positions[("extends",)]
    if not isinstance(parent, str):
        raise InputError([Problem(*where, "extends", f"must be a file name (got {parent!r})")])
    parent_path = (path.parent / parent).resolve()
    if parent_path in chain or parent_path == path.resolve():
        cycle = " -> ".join(str(p.name) for p in (*chain, path.resolve(), parent_path))
        raise InputError([Problem(*where, "extends", f"cycle of extends ({cycle})")])
    if not parent_path.is_file():
        raise InputError([Problem(*where, "extends", f"parent file not found (got {parent!r})")])
    base, base_positions = _read_with_parents(parent_path, (*chain, path.resolve()))
    time, inherited = data.get("time"), base.get("time")
    if isinstance(time, dict) and "resolution" in time and isinstance(inherited, dict):
        base = {**base, "time": _without_details(inherited)}
    return _deep_merge(base, data), {**base_positions, **positions}


# Keys that describe one time resolution (representative days): a child file or --set that
# names `time.resolution` starts a fresh time block, so the days and segments of an inherited
# representative-day resolution do not cling to the seasonal or hourly one it asks for. Set
# together with an unfitting resolution, they are still errors.
RESOLUTION_DETAILS = ("days", "segments")


def _without_details(time: dict) -> dict:
    return {key: value for key, value in time.items() if key not in RESOLUTION_DETAILS}


def read_yaml(path: Path) -> tuple[dict, Positions]:
    """Parse a YAML mapping into plain Python values and a map of every key's position.

    Unlike plain PyYAML, duplicate keys are errors: all of them are reported.
    """
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            message = f"file too large for a scenario ({size:,} bytes; at most {MAX_FILE_BYTES:,})"
            raise InputError([Problem(name, 1, 1, "", message)])
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError([Problem(name, 1, 1, "", f"cannot read file ({err})")]) from None
    loader = yaml.SafeLoader(text)
    problems: list[Problem] = []
    try:
        root = loader.get_single_node()
        positions: Positions = {}
        walk = _Walk(loader, name, positions, problems)
        data = walk.construct(root, ()) if root else {}
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"malformed YAML: {err.problem or err.context}"
        raise InputError([Problem(name, line, col, "", message)]) from None
    except RecursionError:  # PyYAML's composer recurses once per level of nesting
        message = f"nested too deeply (at most {MAX_DEPTH} levels)"
        raise InputError([Problem(name, 1, 1, "", message)]) from None
    finally:
        loader.dispose()
    if problems:
        raise InputError(problems)
    if not isinstance(data, dict):
        raise InputError([Problem(name, 1, 1, "", "the file must hold a mapping of keys")])
    return data, positions


class _TooBig(Exception):
    """The walk stopped at a bound; `problem` says where."""

    def __init__(self, problem: Problem):
        self.problem = problem


class _Walk:
    """Plain values and key positions from a YAML node tree, within the bounds above."""

    def __init__(self, loader: yaml.SafeLoader, file: str, positions: Positions, problems: list):
        self.loader, self.file = loader, file
        self.positions, self.problems = positions, problems
        self.values = 0

    def where(self, node: yaml.Node) -> Where:
        return (self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def construct(self, node: yaml.Node, path: tuple[Key, ...]) -> Any:
        try:
            return self._construct(node, path)
        except _TooBig as stop:
            raise InputError([*self.problems, stop.problem]) from None

    def _construct(self, node: yaml.Node, path: tuple[Key, ...]) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            message = (
                f"more than {MAX_VALUES:,} values (aliases counted at every use); "
                "a scenario needs far fewer"
            )
            raise _TooBig(Problem(*self.where(node), _dotted(path), message))
        if len(path) > MAX_DEPTH:
            message = f"nested too deeply (more than {MAX_DEPTH} levels, or a recursive alias)"
            raise _TooBig(Problem(*self.where(node), _dotted((*path[:4], "...")), message))
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            for key_node, value_node in node.value:
                where = self.where(key_node)
                if not isinstance(key_node, yaml.ScalarNode):
                    message = "keys must be plain values (a name or a year)"
                    raise _TooBig(Problem(*where, _dotted(path), message))
                key = self.loader.construct_object(key_node, deep=True)
                if key in out:
                    first = self.positions[(*path, key)]
                    message = f"duplicate key (first at line {first[1]})"
                    self.problems.append(Problem(*where, _dotted((*path, key)), message))
                    continue
                self.positions[(*path, key)] = where
                out[key] = self._construct(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.positions[(*path, i)] = self.where(item)
                items.append(self._construct(item, (*path, i)))
            return items
        return self.loader.construct_object(node, deep=True)


def _deep_merge(base: dict, child: dict) -> dict:
    merged = dict(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _apply_overrides(data: dict, positions: Positions, overrides: typing.Iterable[str]) -> list:
    """Apply `dotted.path=value` overrides; values are YAML scalars (typed like the file)."""
    problems = []
    overridden = set()
    for number, text in enumerate(overrides, start=1):
        where = ("--set", number, 1)
        dotted, sep, raw = text.partition("=")
        if not sep or not dotted.strip():
            problems.append(Problem(*where, text, "expected dotted.path=value"))
            continue
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError as err:
            problems.append(Problem(*where, dotted, f"value is not valid YAML ({err})"))
            continue
        keys = tuple(int(k) if k.lstrip("-").isdigit() else k for k in dotted.strip().split("."))
        target = data
        for depth, key in enumerate(keys[:-1]):
            child = target.get(key) if isinstance(target, dict) else None
            if child is None and isinstance(target, dict):
                child = target[key] = {}
            if not isinstance(child, dict):
                problems.append(
                    Problem(
                        *where, _dotted(keys[: depth + 1]), "is not a mapping, cannot set below it"
                    )
                )
                break
            target = child
        else:
            target[keys[-1]] = value
            overridden.add(keys)
            # the value replaces what the files had below this key: their positions go too, so
            # a problem inside it (a list item) is placed at the --set, not at a stale line
            for stale in [k for k in positions if len(k) > len(keys) and k[: len(keys)] == keys]:
                del positions[stale]
            for prefix in range(1, len(keys) + 1):
                positions.setdefault(keys[:prefix], where)
            positions[keys] = where
    if ("time", "resolution") in overridden and isinstance(data.get("time"), dict):
        kept = {k: v for k, v in data["time"].items() if ("time", k) in overridden}
        data["time"] = {**_without_details(data["time"]), **kept}
    return problems


def _resolve_inputs_path(data: dict, positions: Positions) -> None:
    """Make `inputs` absolute, relative to the file that stated it."""
    value = data.get("inputs")
    where = positions.get(("inputs",))
    if isinstance(value, str) and where and where[0] != "--set":
        data["inputs"] = str((Path(where[0]).parent / value).resolve())


def _problems_from_validation(
    err: ValidationError, data: dict, positions: Positions, path: str | Path
) -> list[Problem]:
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(k for k in e["loc"] if not _is_union_tag(k))
        message = _describe(e, loc)
        problems.append(_locate(loc, message, positions, path))
    return problems


def _is_union_tag(key: Any) -> bool:
    """pydantic adds the discriminator value or type name of a union member to error locations."""
    return isinstance(key, str) and (
        key in {"normal", "lognormal", "uniform", "triangular", "choice"}
        or "[" in key
        or key.startswith("function-")
    )


def _describe(error: dict, loc: tuple) -> str:
    kind = error["type"]
    got = error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown key (allowed: {', '.join(allowed)}){hint}"
    if kind == "missing":
        return "required field is missing"
    message = error["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        close = difflib.get_close_matches(str(got), allowed, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"{message} (got {got!r}){hint}"
    if not isinstance(got, dict | list):
        return f"{message} (got {got!r})"
    return message


def _allowed_keys(loc: tuple) -> list[str]:
    """The field names of the model found by walking the schema along `loc`."""
    model: Any = Scenario
    for key in loc:
        model = _child_type(model, key)
        if model is None:
            return []
    model = _unwrap_model(model)
    return list(model.model_fields) if model else []


def _child_type(tp: Any, key: Key) -> Any:
    model = _unwrap_model(tp)
    if model is not None:
        field = model.model_fields.get(str(key))
        return field.annotation if field else None
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _child_type(typing.get_args(tp)[0], key)
    if origin in (dict, list, tuple):
        return typing.get_args(tp)[-1]
    return None


def _unwrap_model(tp: Any) -> type[BaseModel] | None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    if typing.get_origin(tp) is typing.Annotated:
        return _unwrap_model(typing.get_args(tp)[0])
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        models = [m for m in map(_unwrap_model, typing.get_args(tp)) if m is not None]
        return models[0] if len(models) == 1 else None
    return None


def _locate(loc: tuple, message: str, positions: Positions, path: str | Path) -> Problem:
    """A problem at the deepest position known for `loc` (the key itself, or its parent)."""
    for depth in range(len(loc), 0, -1):
        where = positions.get(tuple(loc[:depth]))
        if where:
            return Problem(*where, _dotted(loc), message)
    return Problem(str(path), 1, 1, _dotted(loc), message)


def _dotted(loc: typing.Iterable[Key]) -> str:
    return ".".join(str(k) for k in loc)
