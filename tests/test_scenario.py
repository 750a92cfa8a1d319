"""Scenario files: valid ones load; each broken fixture exits 2 naming file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.errors import InputError
from energysim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "fixtures" / "broken"
runner = CliRunner()

# fixture -> (line, field path, words the message must contain)
CASES = {
    "unknown_key.yaml": (4, "targets.coal_outptu", "did you mean 'coal_output'"),
    "wrong_type.yaml": (4, "economics.discount_rate", "valid number"),
    "duplicate_key.yaml": (6, "targets.co2_cap.2030", "duplicate key (first at line 5)"),
    "negative_value.yaml": (5, "targets.cbm_output_min.2025", "greater than or equal to 0"),
    "min_above_max.yaml": (5, "targets.coal_output.2025", "min > max"),
    "share_above_one.yaml": (5, "targets.non_fossil_share_min.2030", "less than or equal to 1"),
    "year_outside_horizon.yaml": (6, "targets.co2_cap.2040", "outside the model years"),
    "missing_parent.yaml": (1, "extends", "parent file not found"),
    "cycle_a.yaml": (1, "extends", "cycle of extends"),
    "malformed.yaml": (5, "", "malformed YAML"),
    "peak_before_base.yaml": (4, "targets.co2_peak_year", "greater than or equal to 2020"),
    "years_not_increasing.yaml": (3, "years.2", "years must increase"),
    "billion_laughs.yaml": (4, "e.7.8", "more than 100,000 values"),
    "recursive_alias.yaml": (4, "description.0.0.0", "recursive alias"),
    "deep_nesting.yaml": (37, "description.level0", "nested too deeply"),
    "not_finite.yaml": (5, "targets.co2_cap.2025", "finite number"),
    "long_name.yaml": (1, "name", "at most 100 characters"),
    "negative_uncertainty.yaml": (
        8,
        "uncertainty.parameters.coal_price.low",
        "greater than or equal to 0",
    ),
    "nan_uncertainty.yaml": (8, "uncertainty.parameters.coal_price.mean", "finite number"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_fixture_exits_2_with_location(name: str) -> None:
    line, field, words = CASES[name]
    result = runner.invoke(app, ["validate", "--no-inputs", str(BROKEN / name)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    located = [ln for ln in result.output.splitlines() if f".yaml:{line}:" in ln]
    assert located, result.output
    assert any(field in ln and words in ln for ln in located), result.output


def test_all_problems_reported_at_once() -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(BROKEN / "many_problems.yaml")
    paths = {p.path for p in caught.value.problems}
    assert {
        "name",
        "economics.discount_rat",
        "targets.export_capacity.2025",
        "solver.method",
    } <= paths
    method = next(p for p in caught.value.problems if p.path == "solver.method")
    assert "did you mean 'simplex'" in method.message


def test_bad_set_path_names_the_override() -> None:
    result = runner.invoke(
        app,
        [
            "validate",
            "--no-inputs",
            str(ROOT / "scenarios/base.yaml"),
            "--set",
            "targets.coal_outptu.2025.max=1100",
        ],
    )
    assert result.exit_code == 2
    assert "--set:1:1  targets.coal_outptu" in result.output
    assert "did you mean 'coal_output'" in result.output


def test_set_override_is_typed_and_validated() -> None:
    scenario = load_scenario(
        ROOT / "scenarios/shanxi-14fyp.yaml", ["targets.coal_output.2025.max=1100"]
    )
    assert scenario.targets.coal_output[2025].max == 1100.0
    assert scenario.targets.coal_output[2025].min == 950.0  # the file's other bound is kept
    with pytest.raises(InputError) as caught:
        load_scenario(ROOT / "scenarios/shanxi-14fyp.yaml", ["targets.coal_output.2025.max=900"])
    assert "min > max" in str(caught.value)


def test_extends_deep_merges_child_wins() -> None:
    base = load_scenario(ROOT / "scenarios/base.yaml")
    plan = load_scenario(ROOT / "scenarios/shanxi-14fyp.yaml")
    assert plan.years == base.years and plan.economics == base.economics
    assert plan.name == "shanxi-14fyp" and plan.targets.cbm_output_min == {2025: 25.0}
    assert plan.inputs == (ROOT / "inputs" / "shanxi").resolve()


def test_scenario_is_frozen() -> None:
    scenario = load_scenario(ROOT / "scenarios/base.yaml")
    with pytest.raises(Exception, match="frozen"):
        scenario.name = "other"  # type: ignore[misc]


def test_key_order_does_not_matter(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text(
        "name: x\ninputs: .\nyears: [2020, 2030]\ntargets: {co2_cap: {2030: 1, 2020: 2}}\n"
    )
    b.write_text(
        "targets: {co2_cap: {2020: 2, 2030: 1}}\nyears: [2020, 2030]\ninputs: .\nname: x\n"
    )
    assert load_scenario(a) == load_scenario(b)


def test_schema_command_prints_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert document["additionalProperties"] is False
    assert "targets" in document["properties"]


def test_shipped_scenarios_validate() -> None:
    """All validate; the plan case as the Outline states it is screened out (25 bcm of CBM)
    and validates with the README's override."""
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    plan_case = ROOT / "scenarios" / "shanxi-14fyp.yaml"
    result = runner.invoke(app, ["validate", *map(str, files)])
    assert result.exit_code == 3, result.output
    assert "shanxi-14fyp.yaml:13:5  targets.cbm_output_min.2025" in result.output
    for path in files:
        assert (f"ok  {path}  " in result.output) == (path != plan_case), path.name
    plan = runner.invoke(
        app, ["validate", str(plan_case), "--set", "targets.cbm_output_min.2025=20"]
    )
    assert plan.exit_code == 0, plan.output


def test_deep_flow_nesting_is_an_input_error(tmp_path: Path) -> None:
    """PyYAML's composer recurses per level: 5,000 nested lists were a RecursionError, exit 1."""
    path = tmp_path / "deep.yaml"
    path.write_text("name: deep\ndescription: " + "[" * 5000 + "]" * 5000 + "\n")
    result = runner.invoke(app, ["validate", "--no-inputs", str(path)])
    assert result.exit_code == 2, result.output
    assert "deep.yaml:1:1" in result.output and "nested too deeply" in result.output


def test_huge_scenario_file_is_refused_before_parsing(tmp_path: Path) -> None:
    """Millions of keys ran 6 minutes at 1.7 GB; a file no scenario comes near is refused."""
    path = tmp_path / "huge.yaml"
    with path.open("w") as handle:
        handle.write("name: huge\n")
        for k in range(120_000):
            handle.write(f"key{k:07d}: {k}\n")
    result = runner.invoke(app, ["validate", "--no-inputs", str(path)])
    assert result.exit_code == 2, result.output
    assert "huge.yaml:1:1" in result.output and "file too large" in result.output


def test_bad_inputs_path_is_reported_at_the_line_that_names_it(tmp_path: Path) -> None:
    path = tmp_path / "moved.yaml"
    path.write_text(
        f"extends: {ROOT / 'scenarios' / 'base.yaml'}\nname: moved\ninputs: ../no/such/folder\n"
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:3:1  inputs: inputs folder not found" in result.output
    result = runner.invoke(app, ["validate", str(path), "--set", "inputs=/nowhere"])
    assert "--set:1:1  inputs: inputs folder not found" in result.output


@pytest.mark.parametrize(
    "override, field",
    [
        ("time.days=yes", "time.days"),  # YAML's yes: pydantic alone would take it as 1 day
        ("targets.cbm_output_min.2025=true", "targets.cbm_output_min.2025"),
        ("economics.discount_rate=off", "economics.discount_rate"),
        ("solver.threads=on", "solver.threads"),
    ],
)
def test_a_boolean_is_not_a_number(override: str, field: str) -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(ROOT / "scenarios" / "shanxi-14fyp.yaml", [override])
    problem = caught.value.problems[0]
    assert (problem.path, problem.file) == (field, "--set")
    assert "not a boolean" in problem.message


def test_booleans_stay_booleans_where_they_belong() -> None:
    overrides = ["stress.enabled=true", "solver.options.run_crossover=off"]
    scenario = load_scenario(ROOT / "scenarios" / "shanxi-14fyp.yaml", overrides)
    assert scenario.stress.enabled is True


def test_a_problem_inside_an_overridden_list_is_placed_at_the_override() -> None:
    """The files' positions below a key that --set replaces are stale (base.yaml's years)."""
    with pytest.raises(InputError) as caught:
        load_scenario(ROOT / "scenarios" / "shanxi-14fyp.yaml", ["years=[2020, true]"])
    problem = caught.value.problems[0]
    assert (problem.file, problem.path) == ("--set", "years.1")
