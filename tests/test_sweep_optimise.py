"""Optimising sweeps (`--mode optimise`): the sample multipliers are wired where each input
enters the LP, the persistent re-solve equals a fresh build on scaled inputs, the model is built
once per sweep, and chunking, dask workers and resume do not change the numbers."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest
import xarray as xr
from pyomo.repn import generate_standard_repn
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.inputs import scenario_inputs
from energysim.model.build import build_model
from energysim.results.extract import to_dataset
from energysim.results.netcdf import read_netcdf
from energysim.scenario import Scenario, load_scenario
from energysim.solve.highs import Status, solve
from energysim.sweep import optimise
from energysim.sweep.optimise import ScenarioLP, optimise_chunk
from energysim.sweep.runner import Sweep, run_chunks
from energysim.sweep.sampling import draw_samples
from energysim.sweep.store import ChunkStore
from tests.helpers import ROOT, coarse_inputs

SWEEP = ROOT / "tests" / "fixtures" / "sweep.yaml"  # three years, eight uncertain parameters
CONTRACT = (
    "coal_output",
    "cbm_output",
    "export_capacity",
    "electricity_exported",
    "generation_total",
    "electricity_share_final",
    "non_fossil_share",
    "co2_emissions",
    "total_cost",
)
EVERY_PARAMETER = {  # all ten, none at 1
    "demand_growth": 1.25,
    "coal_price": 0.8,
    "gas_price": 1.4,
    "capex_wind": 0.7,
    "capex_solar": 1.2,
    "capex_battery": 0.5,
    "wind_yield": 1.1,
    "solar_yield": 0.9,
    "export_demand": 0.85,
    "coal_shipped_out": 1.1,
}


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> tuple[Scenario, xr.Dataset]:
    """The sweep fixture on 16 explicit slices (a small LP that is solved many times)."""
    folder = coarse_inputs(tmp_path_factory.mktemp("optimise") / "coarse")
    scenario = load_scenario(SWEEP, [f"inputs={folder}"])
    inputs = scenario_inputs(scenario)
    return scenario, inputs


def scaled_inputs(inputs: xr.Dataset, sample: dict[str, float]) -> xr.Dataset:
    """The inputs with each multiplier applied to its table directly (the independent path):
    every year after the pinned base year; yields on the profiles, capped at full output, with
    the base year's yield scale divided back."""
    ds = inputs.copy(deep=True)
    later = ds.year > ds.year.values[0]

    def times(name: str, factor: float, **where: str) -> None:
        mask = later
        for dim, label in where.items():
            mask = mask & (ds[name][dim] == label)
        ds[name] = ds[name].where(~mask, ds[name] * factor)

    index = ds["final_demand_index"]
    ds["final_demand_index"] = index.where(~later, 1 + sample["demand_growth"] * (index - 1))
    times("fuel_price", sample["coal_price"], fuel_type="coal")
    times("fuel_price", sample["gas_price"], fuel_type="gas")
    if "gas_sale_price" in ds:  # gas sold out of the province moves with the gas price
        times("gas_sale_price", sample["gas_price"])
    for tech in ("wind", "solar", "battery"):
        times("capex", sample[f"capex_{tech}"], technology=tech)
    times("electricity_export_demand", sample["export_demand"])
    times("coal_shipped_out", sample["coal_shipped_out"])
    for tech in ("wind", "solar"):
        factor = sample[f"{tech}_yield"]
        ds[f"{tech}_cf"] = np.minimum(ds[f"{tech}_cf"] * factor, 1.0)
        ds.attrs[f"base_{tech}_yield_scale"] = ds.attrs[f"base_{tech}_yield_scale"] / factor
    return ds


def lp_numbers(m: pyo.ConcreteModel) -> dict[str, tuple]:
    """Every row (bounds, constant, coefficients by variable), the objective's coefficients and
    every variable's bounds, at the current Param values."""
    out: dict[str, tuple] = {}
    for con in m.component_data_objects(pyo.Constraint, active=True):
        repn = generate_standard_repn(con.body, compute_values=True)
        coefficients = {
            v.name: float(c) for v, c in zip(repn.linear_vars, repn.linear_coefs, strict=True)
        }
        lower = pyo.value(con.lower) if con.has_lb() else None
        upper = pyo.value(con.upper) if con.has_ub() else None
        out[con.name] = (lower, upper, float(repn.constant), coefficients)
    repn = generate_standard_repn(m.total_cost.expr, compute_values=True)
    out["objective"] = (
        float(repn.constant),
        {v.name: float(c) for v, c in zip(repn.linear_vars, repn.linear_coefs, strict=True)},
    )
    out["bounds"] = {v.name: (v.lb, v.ub, v.fixed) for v in m.component_data_objects(pyo.Var)}
    return out


def assert_same_lp(a: dict, b: dict, rel: float = 0.0) -> None:
    assert a.keys() == b.keys()
    flat_a, flat_b = _flatten(a), _flatten(b)
    assert flat_a.keys() == flat_b.keys()

    def same(x: object, y: object) -> bool:
        if not isinstance(x, float | int) or isinstance(x, bool) or y is None:
            return x == y  # None bounds and fixed flags compare exactly
        return x == pytest.approx(y, rel=rel, abs=1e-12 if rel else 0)

    different = [(k, flat_a[k], flat_b[k]) for k in flat_a if not same(flat_a[k], flat_b[k])]
    assert not different, different[:5]


def _flatten(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        return {
            k: v
            for key, item in value.items()
            for k, v in _flatten(item, f"{prefix}/{key}").items()
        }
    if isinstance(value, tuple):
        return {
            k: v for i, item in enumerate(value) for k, v in _flatten(item, f"{prefix}#{i}").items()
        }
    return {prefix: value}


# --- the model ------------------------------------------------------------------------------


def test_sample_multipliers_at_one_leave_the_lp_unchanged(case) -> None:
    scenario, inputs = case
    plain, _ = build_model(scenario, inputs)
    sampled, _ = build_model(scenario, inputs, sample_multipliers=True)
    assert not hasattr(plain, "sample_multiplier")
    assert_same_lp(lp_numbers(plain), lp_numbers(sampled))  # exactly, number for number


def test_each_multiplier_enters_where_its_input_does(case) -> None:
    """The persistent model with a sample's Params set has the same LP, coefficient for
    coefficient, as a fresh model built on inputs scaled by the sample."""
    scenario, inputs = case
    sampled, _ = build_model(scenario, inputs, sample_multipliers=True)
    for name, value in EVERY_PARAMETER.items():
        sampled.sample_multiplier[name] = value
    fresh, _ = build_model(scenario, scaled_inputs(inputs, EVERY_PARAMETER))
    assert_same_lp(lp_numbers(sampled), lp_numbers(fresh), rel=1e-12)
    changed = lp_numbers(build_model(scenario, inputs)[0])
    with pytest.raises(AssertionError):  # the sample does change the LP
        assert_same_lp(changed, lp_numbers(fresh), rel=1e-12)


def test_yield_multiplier_is_capped_at_full_output(case) -> None:
    scenario, inputs = case
    m, d = build_model(scenario, inputs, sample_multipliers=True)
    factor = 1.0 / float(np.median(inputs["wind_cf"].values))  # half the slices at full output
    m.sample_multiplier["wind_yield"] = factor
    year = d.years[1]
    coefficients = []
    for s in d.slices:
        repn = generate_standard_repn(m.generation_available["wind", year, s].body)
        by_var = {
            v.name: float(c) for v, c in zip(repn.linear_vars, repn.linear_coefs, strict=True)
        }
        coefficients.append(-by_var[m.capacity["wind", year].name])
    expected = np.minimum(factor * inputs["wind_cf"].values, 1.0)
    np.testing.assert_allclose(coefficients, expected, rtol=1e-15)
    assert (expected == 1.0).any() and (expected < 1.0).any()


# --- the persistent re-solve ----------------------------------------------------------------


def test_persistent_resolve_equals_a_fresh_build_on_scaled_inputs(case) -> None:
    scenario, inputs = case
    drawn = draw_samples(scenario.uncertainty, 2, 7)
    samples = [
        EVERY_PARAMETER,
        *(
            {**dict.fromkeys(EVERY_PARAMETER, 1.0), **{k: float(v[i]) for k, v in drawn.items()}}
            for i in range(2)
        ),
    ]
    params = {k: np.array([s[k] for s in samples]) for k in EVERY_PARAMETER}
    swept = optimise_chunk(ScenarioLP(scenario, inputs), params, 0)
    for i, sample in enumerate(samples):
        model, data = build_model(scenario, scaled_inputs(inputs, sample))
        result = solve(model, scenario.solver)
        assert result.status is Status.OPTIMAL
        fresh = to_dataset(model, data, result)
        row = swept.isel(sample=i)
        assert str(row["status"].values) == "optimal"
        for name in CONTRACT:
            np.testing.assert_allclose(
                row[name].values, fresh[name].values, rtol=1e-6, atol=1e-9, err_msg=name
            )
        assert float(row["co2_peak_year"]) == fresh.attrs["co2_peak_year"]


def test_infeasible_samples_are_recorded_and_the_sweep_goes_on(case) -> None:
    scenario, inputs = case
    params = {"export_demand": np.array([1.0, 0.0, 1.0]), "coal_price": np.array([1.0, 1.0, 1.3])}
    swept = optimise_chunk(ScenarioLP(scenario, inputs), params, 5)
    assert list(swept["status"].values) == ["optimal", "infeasible", "optimal"]
    assert np.isnan(swept["co2_emissions"].sel(sample=6)).all()
    assert np.isnan(swept["co2_peak_year"].sel(sample=6))
    alone = optimise_chunk(ScenarioLP(scenario, inputs), {k: v[2:] for k, v in params.items()}, 7)
    xr.testing.assert_identical(swept.sel(sample=[7]), alone)  # unaffected by the failure
    impossible = scenario.model_copy(
        update={"targets": scenario.targets.model_copy(update={"co2_cap": {2040: 60.0}})}
    )
    cold = optimise_chunk(ScenarioLP(impossible, inputs), params, 0)  # no nominal basis
    assert set(cold["status"].values) == {"infeasible"}


# --- sweeps: built once, chunks, workers, resume -------------------------------------------


def _sweep(case, tmp_path, chunk_size: int, name: str, **options: object) -> xr.Dataset:
    scenario, inputs = case
    samples = draw_samples(scenario.uncertainty, 9, 21)
    store = ChunkStore(tmp_path / f"{name}.nc", {"chunk_size": chunk_size}, resume=False)
    job = Sweep(ScenarioLP(scenario, inputs), samples, chunk_size, compute=optimise_chunk)
    every = run_chunks(job, store, progress=False, **options)
    return store.assemble(every, {})


def test_built_once_per_sweep_and_same_numbers_for_chunks_and_workers(
    case, tmp_path, monkeypatch
) -> None:
    builds: list[int] = []

    def counting_build(*args: object, **kwargs: object) -> object:
        builds.append(1)
        return build_model(*args, **kwargs)

    monkeypatch.setattr(optimise, "build_model", counting_build)
    whole = _sweep(case, tmp_path, 9, "whole")
    assert len(builds) == 1
    builds.clear()
    small = _sweep(case, tmp_path, 2, "small")
    assert len(builds) == 1  # five chunks, one model
    xr.testing.assert_identical(whole, small)
    assert set(whole["status"].values) == {"optimal"}
    builds.clear()
    on_dask = _sweep(case, tmp_path, 3, "dask", workers=2, processes=False)
    assert 1 <= len(builds) <= 2  # at most one model per worker
    xr.testing.assert_identical(whole, on_dask)


def test_resume_after_a_kill_equals_an_uninterrupted_run(case, tmp_path) -> None:
    scenario, inputs = case
    samples = draw_samples(scenario.uncertainty, 9, 21)
    manifest = {"mode": "optimise", "seed": 21, "samples": 9}
    final = tmp_path / "sweep.nc"
    done: list[int] = []

    def kill_after_two(chunk: object) -> None:
        done.append(chunk.start)
        if len(done) == 2:
            raise KeyboardInterrupt

    def job() -> Sweep:
        return Sweep(ScenarioLP(scenario, inputs), samples, 3, compute=optimise_chunk)

    with pytest.raises(KeyboardInterrupt):
        run_chunks(
            job(),
            ChunkStore(final, manifest, resume=False),
            progress=False,
            on_chunk=kill_after_two,
        )
    store = ChunkStore(final, manifest, resume=True)
    resumed: list[int] = []
    every = run_chunks(job(), store, progress=False, on_chunk=lambda c: resumed.append(c.start))
    assert resumed == [6]  # the two finished chunks were not redone
    path = store.finish(store.assemble(every, {}))
    xr.testing.assert_identical(read_netcdf(path), _sweep(case, tmp_path, 9, "whole"))


def test_cli_optimise_mode(case, tmp_path) -> None:
    scenario, _ = case
    out = tmp_path / "optimised.nc"
    args = ["sweep", str(SWEEP), "--mode", "optimise", "--samples", "4", "--seed", "2"]
    args += ["--set", f"inputs={scenario.inputs}", "--no-progress"]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--chunk-size", "3"])
    assert result.exit_code == 0, result.output
    assert "LP status: 4 optimal" in result.output
    ds = read_netcdf(out)
    assert ds.attrs["mode"] == "optimise" and ds.attrs["seed"] == 2
    assert ds.sizes["sample"] == 4 and "target_probability" in ds
    assert ds["capacity"].attrs["units"] == "GW" and "input_wind_yield" in ds
    drawn = draw_samples(scenario.uncertainty, 4, 2)
    np.testing.assert_array_equal(ds["input_wind_yield"].values, drawn["wind_yield"])
    bad = CliRunner().invoke(app, [*args, "--plan", str(out)])
    assert bad.exit_code == 2 and "optimise" in bad.output
