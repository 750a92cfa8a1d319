"""Golden LP snapshots: every constraint family has a snapshot of its first rows, and a register
fails when a family has none. Regenerate after an intended change with UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
import re

import pyomo.environ as pyo
import pytest

from energysim.inputs import scenario_inputs
from energysim.model.build import build_model
from energysim.scenario import load_scenario
from tests.helpers import ROOT

GOLDEN = ROOT / "tests" / "golden"
ROWS_PER_FAMILY = 4


@pytest.fixture(scope="module")
def model() -> pyo.ConcreteModel:
    scenario = load_scenario(ROOT / "tests" / "fixtures" / "snapshot.yaml")
    built, _ = build_model(scenario, scenario_inputs(scenario))
    return built


def families(model: pyo.ConcreteModel) -> list[str]:
    return [c.name for c in model.component_objects(pyo.Constraint, active=True)]


def snapshot(component: pyo.Constraint) -> str:
    """The first rows of a family as `name: lower <= body <= upper`, numbers to 8 digits."""
    lines = []
    for index in list(component)[:ROWS_PER_FAMILY]:
        con = component[index]
        text = f"{con.name}: {con.lower} <= {con.body} <= {con.upper}"
        lines.append(re.sub(r"-?\d+\.\d+(e[-+]?\d+)?", lambda m: f"{float(m.group()):.8g}", text))
    return "\n".join(lines) + "\n"


def test_every_family_has_a_snapshot(model: pyo.ConcreteModel) -> None:
    missing = [f for f in families(model) if not (GOLDEN / f"{f}.txt").is_file()]
    if os.environ.get("UPDATE_GOLDEN"):
        return
    assert not missing, f"constraint families without a golden snapshot: {missing}"
    stale = sorted({p.stem for p in GOLDEN.glob("*.txt")} - set(families(model)))
    assert not stale, f"snapshots of families that no longer exist: {stale}"


def test_family_snapshots_match(model: pyo.ConcreteModel) -> None:
    changed = []
    for name in families(model):
        text = snapshot(getattr(model, name))
        path = GOLDEN / f"{name}.txt"
        if os.environ.get("UPDATE_GOLDEN"):
            path.write_text(text)
        elif not path.is_file() or path.read_text() != text:
            changed.append(name)
    assert not changed, f"constraint families changed (UPDATE_GOLDEN=1 if intended): {changed}"
