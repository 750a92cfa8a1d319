"""HiGHS options are checked against HiGHS: YAML booleans become "on"/"off" for its string
switches, an unknown name or a rejected value is an input error located at its key (exit 2),
and what reaches HiGHS is what the results record."""

from __future__ import annotations

import highspy
import numpy as np
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.errors import InputError
from energysim.scenario import load_scenario
from energysim.solve.direct import StandardFormLP, highs_from_arrays
from energysim.solve.highs import highs_options
from energysim.solve.options import HighsOptionError, normalise
from tests.helpers import ROOT

BASE = ROOT / "scenarios" / "base.yaml"


def tiny_lp() -> StandardFormLP:
    """min x + 2 y  s.t.  x + y >= 1,  x - y <= 0.5,  x, y >= 0."""
    matrix = sp.csc_array(np.array([[1.0, 1.0], [1.0, -1.0]]))
    return StandardFormLP(
        cost=np.array([1.0, 2.0]),
        offset=0.0,
        matrix=matrix,
        row_lower=np.array([1.0, -highspy.kHighsInf]),
        row_upper=np.array([highspy.kHighsInf, 0.5]),
        col_lower=np.zeros(2),
        col_upper=np.full(2, highspy.kHighsInf),
        rows=[],
        columns=[],
        sense=1,
    )


@pytest.mark.parametrize("raw", ["off", "no", "false"])
def test_yaml_off_turns_crossover_off_in_highs(raw) -> None:
    scenario = load_scenario(BASE, [f"solver.options.run_crossover={raw}", "solver.method=ipm"])
    assert scenario.solver.options == {"run_crossover": "off"}  # YAML read a boolean
    options = highs_options(scenario.solver)
    highs = highs_from_arrays(tiny_lp(), options)
    assert highs.getOptionValue("run_crossover") == (highspy.HighsStatus.kOk, "off")
    assert highs.getOptionValue("solver") == (highspy.HighsStatus.kOk, "ipm")
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert highs.getInfo().crossover_iteration_count == 0
    assert highs.getInfo().ipm_iteration_count > 0


def test_yaml_on_turns_crossover_on() -> None:
    scenario = load_scenario(BASE, ["solver.options.run_crossover=yes"])
    highs = highs_from_arrays(tiny_lp(), highs_options(scenario.solver))
    assert highs.getOptionValue("run_crossover") == (highspy.HighsStatus.kOk, "on")


def test_types_are_coerced_to_what_highs_takes() -> None:
    assert normalise("threads", 2.0) == 2 and isinstance(normalise("threads", 2.0), int)
    assert normalise("ipm_optimality_tolerance", 1) == 1.0
    assert normalise("log_to_console", "off") is False
    assert normalise("presolve", True) == "on"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("solver.options.threds=2", "has no option 'threds'; did you mean 'threads'?"),
        ("solver.options.solver=bogus", "rejects this value (a string option)"),
        ("solver.options.threads=1.5", "rejects this value (an integer option)"),
        ("solver.options.ipm_optimality_tolerance=-1", "rejects this value"),
    ],
)
def test_options_highs_refuses_are_located_input_errors(override, message) -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(BASE, [override])
    (problem,) = caught.value.problems
    assert problem.file == "--set" and problem.path == override.partition("=")[0]
    assert message in problem.message


def test_bad_option_in_a_file_names_its_line_and_exits_2(tmp_path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(
        f"extends: {BASE}\nsolver:\n  options:\n    run_crossover: off\n    simplex_strategy: 9\n"
    )
    result = CliRunner().invoke(app, ["validate", str(scenario), "--no-inputs"])
    assert result.exit_code == 2
    assert f"{scenario}:5:5  solver.options.simplex_strategy:" in result.output
    assert "run_crossover" not in result.output  # `off` is a valid value


def test_options_set_programmatically_are_checked_too() -> None:
    with pytest.raises(HighsOptionError, match="no option 'not_an_option'"):
        highs_from_arrays(tiny_lp(), {"not_an_option": 1})


def test_the_options_used_are_recorded(tmp_path) -> None:
    from energysim.results.netcdf import read_netcdf

    out = tmp_path / "r.nc"
    args = ["run", str(BASE), "--out", str(out), "--set", "years=[2020]"]
    args += ["--set", "solver.options.run_crossover=off"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert '"run_crossover": "off"' in read_netcdf(out).attrs["solver_options"]


def test_choose_resolves_the_method_by_the_size_of_the_lp(monkeypatch) -> None:
    from energysim.solve import direct
    from energysim.solve.direct import HIPO_MIN_ROWS, IPX_MIN_ROWS, chosen_method

    assert chosen_method({"solver": "choose"}, HIPO_MIN_ROWS - 1)["solver"] == "simplex"
    assert chosen_method({"solver": "choose"}, HIPO_MIN_ROWS)["solver"] == "hipo"
    assert chosen_method({"solver": "pdlp"}, IPX_MIN_ROWS)["solver"] == "pdlp"  # as asked
    monkeypatch.setattr(direct, "hipo_available", lambda: False)  # highspy without its extras
    assert chosen_method({"solver": "choose"}, IPX_MIN_ROWS - 1)["solver"] == "simplex"
    assert chosen_method({"solver": "choose"}, IPX_MIN_ROWS)["solver"] == "ipx"


def test_the_installed_highs_runs_hipo_and_says_so() -> None:
    """highspy[extras] is a dependency: HiPO is there, and a run with it reports HiPO's
    iterations (a build without the extras refuses solver=hipo)."""
    from energysim.solve.options import hipo_available

    assert hipo_available()
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.addVars(2, np.zeros(2), np.full(2, 10.0))
    highs.changeColsCost(2, np.arange(2, dtype=np.int32), np.array([-1.0, -2.0]))
    highs.addRow(-highspy.kHighsInf, 5.0, 2, np.arange(2, dtype=np.int32), np.ones(2))
    assert highs.setOptionValue("solver", "hipo") == highspy.HighsStatus.kOk
    highs.setOptionValue("presolve", "off")  # presolve alone would solve it
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert highs.getInfo().objective_function_value == pytest.approx(-10.0)
    assert highs.getInfo().ipm_iteration_count > 0
