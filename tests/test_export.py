"""IAMC and tidy exports, and the energy balance table (能源平衡表)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.report.balance import METHODS, closure_error, energy_balance, energy_balances
from energysim.report.iamc import EJ_PER_MTCE, EJ_PER_TWH, REGION, to_iamc
from energysim.results.netcdf import read_netcdf
from tests.report_fixtures import results_file

runner = CliRunner()


@pytest.fixture(scope="module")
def plan():
    return read_netcdf(results_file("plan"))


def _pyam():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import pyam
        except Exception:  # pyam and its ixmp4 stack fail in many ways when mis-installed
            pytest.skip("pyam (the `test` extra) is not importable")
    return pyam


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_iamc_file_loads_in_pyam_with_the_results_values(plan, tmp_path: Path, suffix) -> None:
    pyam = _pyam()
    out = tmp_path / f"plan{suffix}"
    result = runner.invoke(app, ["export", str(results_file("plan")), "--out", str(out)])
    assert result.exit_code == 0, result.output
    df = pyam.IamDataFrame(out)
    assert list(df.region) == [REGION]
    assert df.scenario == ["shanxi-14fyp"]
    assert sorted(df.year) == [2020, 2025, 2030]

    def series(variable: str) -> np.ndarray:
        data = df.filter(variable=variable).timeseries()
        assert len(data) == 1, variable
        return data.iloc[0].to_numpy()

    coal_f = plan["tce_factor_coal"].values * EJ_PER_MTCE
    np.testing.assert_allclose(series("Emissions|CO2"), plan["co2_emissions"].values, rtol=1e-12)
    np.testing.assert_allclose(
        series("Resource|Extraction|Coal"), plan["coal_output"].values * coal_f, rtol=1e-12
    )
    np.testing.assert_allclose(
        series("Secondary Energy|Electricity|Wind"),
        plan["generation"].sel(technology="wind").values * EJ_PER_TWH,
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        series("Final Energy|Electricity"),
        plan["final_energy"].sel(carrier="electricity").sum("sector").values * EJ_PER_MTCE,
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        series("Capacity|Electricity|Solar"),
        plan["capacity"].sel(technology="solar").values,
        rtol=1e-12,
    )
    in_province = plan["coal_use"].drop_sel(coal_flow="coal_shipped_out").sum("coal_flow")
    coke = plan["coke_shipped_out"].values * EJ_PER_MTCE  # an outflow, not consumption
    np.testing.assert_allclose(
        series("Primary Energy|Coal"), in_province.values * coal_f - coke, rtol=1e-12
    )
    np.testing.assert_allclose(
        series("Primary Energy (NBS total, coal-equivalent)"),
        plan["primary_energy"].values * EJ_PER_MTCE,
        rtol=1e-12,
    )
    # the hierarchy adds up where the IAMC template says it does
    for total in ("Primary Energy", "Secondary Energy|Electricity", "Emissions|CO2"):
        assert df.check_aggregate(total, rtol=1e-9) is None, total


def test_iamc_table_has_the_standard_columns_and_one_unit_per_variable(plan) -> None:
    table = to_iamc(plan)
    assert list(table.columns) == [
        "model",
        "scenario",
        "region",
        "variable",
        "unit",
        "year",
        "value",
    ]
    assert table.groupby("variable")["unit"].nunique().max() == 1
    assert not table.duplicated(["variable", "year"]).any()
    assert np.isfinite(table["value"]).all()


def test_tidy_csv_per_variable_round_trips(plan, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", str(results_file("plan")), "--format", "csv", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    coal = pd.read_csv(tmp_path / "coal_use.csv")
    assert list(coal.columns) == ["coal_flow", "year", "value", "unit"]
    shipped = coal.query("coal_flow == 'coal_shipped_out'").sort_values("year")["value"]
    np.testing.assert_allclose(shipped, plan["coal_use"].sel(coal_flow="coal_shipped_out"))
    assert set(coal["unit"]) == {"Mt"}
    assert {p.stem for p in tmp_path.glob("*.csv")} == set(plan.data_vars)


@pytest.mark.parametrize("method", METHODS)
def test_energy_balance_closes_every_year(plan, method) -> None:
    for year in plan.year.values:
        table = energy_balance(plan, int(year), method)
        assert closure_error(table) < 1e-6
        # supply = outflow + transformation losses + losses + final consumption, in total
        supply = table.loc["supply", "total"]
        uses = (
            table.loc["outflow", "total"]
            - table.loc["transformation", "total"]
            + table.loc["losses", "total"]
            + table.loc["final", "total"]
        )
        assert uses == pytest.approx(supply, rel=1e-6)


@pytest.mark.parametrize("method", METHODS)
def test_energy_balance_consumption_row_is_the_nbs_total(plan, method) -> None:
    """能源消费总量 = production + inflow - outflow (coke shipped out included in the outflow):
    on the coal-equivalent method it is the results' primary_energy."""
    for year in plan.year.values:
        table = energy_balance(plan, int(year), method)
        expected = float(plan["energy_consumption"].sel({"method": method, "year": year}))
        assert table.loc["consumption", "total"] == pytest.approx(expected, rel=1e-9)
        coke = float(plan["coke_shipped_out"].sel(year=year))
        assert coke > 50  # ~81 Mtce in 2020 (A96)
        assert table.loc["outflow", "coke"] == pytest.approx(coke)
    coal_eq = plan["energy_consumption"].sel({"method": "coal_equivalent"})
    np.testing.assert_allclose(coal_eq.values, plan["primary_energy"].values, rtol=1e-12)


def test_energy_balance_reads_the_model_flows(plan) -> None:
    y = plan.sel(year=2025)
    cal = energy_balance(plan, 2025, "calorific")
    coal_f = float(y["tce_factor_coal"])
    assert cal.loc["production", "coal"] == pytest.approx(float(y["coal_output"]) * coal_f)
    shipped = float(y["coal_use"].sel(coal_flow="coal_shipped_out")) * coal_f
    assert cal.loc["outflow", "coal"] == pytest.approx(shipped)
    exported = float(y["electricity_exported"])
    assert cal.loc["outflow", "electricity"] == pytest.approx(exported * 0.1229)
    final = float(y["final_energy"].sum())
    assert cal.loc["final", "total"] == pytest.approx(final)
    coal_eq = energy_balance(plan, 2025, "coal_equivalent")
    factor = float(y["tce_factor_electricity"].sel({"method": "coal_equivalent"}))
    assert coal_eq.loc["outflow", "electricity"] == pytest.approx(exported * factor)
    # only electricity is valued differently by the two methods
    for column in ("coal", "gas", "oil", "heat"):
        np.testing.assert_allclose(cal[column], coal_eq[column])
    # the share the 40 % target reads is the final-consumption row of the balance
    share = coal_eq.loc["final", "electricity"] / coal_eq.loc["final", "total"]
    expected = float(y["electricity_share_final"].sel({"method": "coal_equivalent"}))
    assert share == pytest.approx(expected, rel=1e-9)


def test_balance_command_prints_both_methods_and_writes_csv(tmp_path: Path) -> None:
    out = tmp_path / "balance.csv"
    result = runner.invoke(
        app, ["balance", str(results_file("plan")), "--lang", "zh", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "一次能源生产量" in result.output and "终端消费量" in result.output
    assert "2030, coal-equivalent method" in result.output
    table = pd.read_csv(out)
    assert set(table["method"]) == set(METHODS)
    assert len(table) == len(energy_balances(read_netcdf(results_file("plan"))))


def test_report_commands_reject_a_file_that_is_not_results(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nc"
    bad.write_text("not netcdf")
    result = runner.invoke(app, ["export", str(bad)])
    assert result.exit_code == 2
    assert "bad.nc:1:1" in result.output and "not a NetCDF results file" in result.output
