"""Sweeps: sampling, the vectorised kernel against the LP and the plain-Python reference,
chunking, dask workers, resume and the CLI."""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.errors import InputError
from energysim.results.netcdf import read_netcdf, write_netcdf
from energysim.scenario import load_scenario
from energysim.scenario.schema import Uncertainty
from energysim.sweep.accounting import account
from energysim.sweep.kernel import dispatch
from energysim.sweep.plan import System, build_system
from energysim.sweep.reference import dispatch_reference
from energysim.sweep.runner import Sweep, run_chunks
from energysim.sweep.sampling import draw_samples
from energysim.sweep.store import ChunkStore
from energysim.sweep.summary import summarise, target_outcomes
from tests.helpers import ROOT, solve_scenario

AGREEMENT = ROOT / "tests" / "fixtures" / "sweep_agreement.yaml"


@cache
def agreement_case() -> tuple[System, xr.Dataset]:
    """The LP's plan and results for the agreement fixture (solved once per session)."""
    scenario = load_scenario(AGREEMENT)
    _, data, _, lp = solve_scenario(scenario)
    return build_system(scenario, data.inputs, lp, "lp"), lp


def sampled(n: int, seed: int = 1) -> dict[str, np.ndarray]:
    return draw_samples(load_scenario(AGREEMENT).uncertainty, n, seed)


# --- sampling -------------------------------------------------------------------------------


def test_latin_hypercube_is_stratified_seeded_and_correlated() -> None:
    uncertainty = Uncertainty.model_validate(
        {
            "parameters": {
                "coal_price": {"distribution": "uniform", "low": 0.0, "high": 1.0},
                "gas_price": {"distribution": "lognormal", "median": 1.0, "sigma": 0.3},
                "wind_yield": {"distribution": "choice", "values": [0.9, 1.1], "weights": [3, 1]},
            },
            "rank_correlations": [{"between": ["coal_price", "gas_price"], "rho": 0.7}],
        }
    )
    a = draw_samples(uncertainty, 1000, seed=5)
    b = draw_samples(uncertainty, 1000, seed=5)
    c = draw_samples(uncertainty, 1000, seed=6)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["coal_price"], c["coal_price"])
    # one point in each of the 1000 strata of the uniform parameter (Iman–Conover only reorders)
    assert np.array_equal(np.sort(np.floor(a["coal_price"] * 1000)), np.arange(1000))
    assert abs(np.median(a["gas_price"]) - 1.0) < 0.01
    assert abs(np.mean(a["wind_yield"] == 0.9) - 0.75) < 0.01
    ranks = [np.argsort(np.argsort(a[k])) for k in ("coal_price", "gas_price")]
    assert abs(np.corrcoef(*ranks)[0, 1] - 0.7) < 0.03


def test_sobol_sampler_and_inconsistent_correlations() -> None:
    sobol = Uncertainty.model_validate(
        {
            "sampler": "sobol",
            "parameters": {"coal_price": {"distribution": "normal", "mean": 1, "sd": 0.1}},
        }
    )
    values = draw_samples(sobol, 512, seed=0)["coal_price"]
    assert (
        len(
            draw_samples(load_scenario(ROOT / "scenarios" / "sweep-14fyp.yaml").uncertainty, 2, 0)[
                "coal_price"
            ]
        )
        == 2
    )  # fewer samples than parameters
    assert abs(values.mean() - 1) < 0.005 and abs(values.std() - 0.1) < 0.005
    overrides = [
        "uncertainty.parameters.coal_price={distribution: uniform, low: 0, high: 1}",
        "uncertainty.parameters.gas_price={distribution: uniform, low: 0, high: 1}",
        "uncertainty.parameters.wind_yield={distribution: uniform, low: 0, high: 1}",
        "uncertainty.rank_correlations=[{between: [coal_price, gas_price], rho: 0.9},"
        " {between: [coal_price, wind_yield], rho: 0.9},"
        " {between: [gas_price, wind_yield], rho: -0.9}]",
    ]
    with pytest.raises(InputError, match="not positive definite"):
        load_scenario(AGREEMENT, overrides)


# --- kernel ---------------------------------------------------------------------------------


def test_kernel_reproduces_the_lp_dispatch_fuel_co2_and_cost() -> None:
    """Storage off, no ramping, the LP's own plan and parameters: equal to 1e-6 relative."""
    system, lp = agreement_case()
    ds = account(system, dispatch(system, {}, 1), {}, 0).isel(sample=0)
    assert float(lp["curtailment"].sum()) > 0.1 and float(lp["unserved_energy"].sum()) > 0.1
    assert float(lp["generation"].sel(technology="coal_chp").sum()) > 0  # must-run binding

    def same(ours: object, theirs: object) -> None:
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6, atol=1e-9)

    same(ds["generation"].sel(technology=lp.technology.values).T, lp["generation"])
    for name in ("curtailment", "unserved_energy", "co2_emissions", "electricity_exported"):
        same(ds[name], lp[name])
    same(ds["co2_power_heat"].T, lp["co2_power_heat"])
    same(ds["fuel_burnt"].sel(fuel="coal"), lp["coal_use"].values[0] * 0.7143)
    same(ds["cost"], lp["cost"])
    same(ds["total_cost"], lp["total_cost"])
    same(ds["non_fossil_share"], lp["non_fossil_share"])
    same(ds["electricity_share_final"], lp["electricity_share_final"])


def test_float32_agrees_with_float64() -> None:
    """float32 energies: within 1e-5 relative, or 1e-7 of the year's demand where a small
    quantity is the difference of large ones (unserved = demand - served)."""
    system, _ = agreement_case()
    params = sampled(64)
    wide = dispatch(system, params, 64, np.float64)
    narrow = dispatch(system, params, 64, np.float32)
    demand = float(wide.consumption.max())
    for field in dataclasses.fields(wide):
        np.testing.assert_allclose(
            getattr(narrow, field.name), getattr(wide, field.name), rtol=1e-5, atol=1e-7 * demand
        )


def _assert_equal_dispatch(system: System, params: dict, n: int) -> None:
    fast = dispatch(system, params, n)
    slow = dispatch_reference(system, params, n)
    for field in dataclasses.fields(fast):
        np.testing.assert_allclose(
            getattr(fast, field.name), getattr(slow, field.name), rtol=1e-9, atol=1e-9
        )


@st.composite
def generated_cases(draw: st.DrawFn) -> tuple[System, int]:
    """The agreement fixture with generated fleets, costs, loads, heat seasons, storage and
    slice weights; and a seed for the samples."""
    capacities = draw(st.lists(st.floats(0.0, 60.0), min_size=5, max_size=5))
    costs = draw(st.lists(st.floats(0.0, 100.0), min_size=5, max_size=5))
    load = draw(st.lists(st.floats(0.2, 2.0), min_size=48, max_size=48))
    heat_slices = draw(st.integers(0, 48))
    storage = draw(st.tuples(st.floats(0.0, 20.0), st.floats(0.0, 80.0), st.floats(0.5, 1.0)))
    uneven_weights = draw(st.booleans())
    seed = draw(st.integers(0, 1000))
    base, _ = agreement_case()
    rng = np.random.default_rng(seed)
    weight = rng.uniform(0.5, 1.5, 48) if uneven_weights else np.ones(48)
    heat = np.zeros(48)
    heat[:heat_slices] = 1.0
    years = base.available.shape[1]
    system = dataclasses.replace(
        base,
        weight=weight * 8760 / weight.sum(),
        load_pu=np.asarray(load),
        heat_pu=heat,
        available=np.array(capacities)[:, None] * np.ones((1, years)),
        must_run=np.array([0, 0.4 * capacities[1], 0, 0, 0])[:, None] * np.ones((1, years)),
        vom=np.array(costs)[:, None] * np.ones((1, years)),
        storage_power=np.full(years, storage[0]),
        storage_energy=np.full(years, storage[1]),
        storage_efficiency=np.full(years, storage[2]),
    )
    return system, seed


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=generated_cases())
def test_kernel_equals_plain_python_reference(case: tuple[System, int]) -> None:
    """Generated fleets, costs, loads, heat seasons, storage and slice weights."""
    system, seed = case
    _assert_equal_dispatch(system, sampled(3, seed), 3)


# --- chunks, workers, resume ----------------------------------------------------------------


def _sweep(
    tmp_path, chunk_size: int, name: str, n: int = 40, seed: int = 11, **options: object
) -> xr.Dataset:
    system, _ = agreement_case()
    samples = sampled(n, seed)
    store = ChunkStore(tmp_path / f"{name}.nc", {"chunk_size": chunk_size}, resume=False)
    every = run_chunks(Sweep(system, samples, chunk_size), store, progress=False, **options)
    return store.assemble(every, {})


def test_same_seed_same_numbers_for_chunk_sizes_and_dask_workers(tmp_path) -> None:
    one = _sweep(tmp_path, 40, "one")
    small = _sweep(tmp_path, 7, "small")
    xr.testing.assert_identical(one, small)
    for workers in (1, 2):
        on_dask = _sweep(tmp_path, 9, f"dask{workers}", workers=workers, processes=False)
        xr.testing.assert_identical(one, on_dask)


def test_resume_after_a_kill_equals_an_uninterrupted_run(tmp_path) -> None:
    system, _ = agreement_case()
    samples = sampled(30, 4)
    manifest = {"seed": 4, "samples": 30}
    final = tmp_path / "sweep.nc"
    done: list[int] = []

    def kill_after_two(chunk: object) -> None:
        done.append(chunk.start)
        if len(done) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_chunks(
            Sweep(system, samples, 8),
            ChunkStore(final, manifest, resume=False),
            progress=False,
            on_chunk=kill_after_two,
        )
    store = ChunkStore(final, manifest, resume=True)
    assert len(list(store.folder.glob("chunk-*.nc"))) == 2
    resumed: list[int] = []
    every = run_chunks(
        Sweep(system, samples, 8), store, progress=False, on_chunk=lambda c: resumed.append(c.start)
    )
    assert sorted(resumed) == [16, 24]  # the two finished chunks were not redone
    path = store.finish(store.assemble(every, {}))
    assert not store.folder.exists()
    uninterrupted = _sweep(tmp_path, 8, "whole", n=30, seed=4)
    xr.testing.assert_identical(read_netcdf(path), uninterrupted)
    done.clear()
    with pytest.raises(KeyboardInterrupt):
        run_chunks(
            Sweep(system, samples, 8),
            ChunkStore(final, manifest, resume=False),
            progress=False,
            on_chunk=kill_after_two,
        )
    with pytest.raises(InputError, match="other settings"):
        ChunkStore(final, {"seed": 5, "samples": 30}, resume=True)


# --- summary and CLI ------------------------------------------------------------------------


def test_summary_probabilities_count_samples_meeting_each_target(tmp_path) -> None:
    scenario = load_scenario(
        AGREEMENT, ["targets.co2_cap={2020: 240}", "targets.non_fossil_share_min={2020: 0.45}"]
    )
    ds = _sweep(tmp_path, 40, "summary")
    summary = summarise(ds, scenario)
    expected = float((ds["co2_emissions"].sel(year=2020) <= 240).mean())
    assert 0 < expected < 1
    p = summary["target_probability"].sel(target="co2_emissions[2020] <= 240")
    assert float(p) == pytest.approx(expected)
    assert set(target_outcomes(ds, scenario)) == set(summary.target.values)


def test_cli_sweep_writes_results_and_rejects_bad_input(tmp_path) -> None:
    _, lp = agreement_case()
    plan = write_netcdf(lp, tmp_path / "plan.nc")
    out = tmp_path / "sweep.nc"
    runner = CliRunner()
    args = ["sweep", str(AGREEMENT), "--samples", "20", "--seed", "3", "--plan", str(plan)]
    result = runner.invoke(app, [*args, "--out", str(out), "--no-progress", "--chunk-size", "8"])
    assert result.exit_code == 0, result.output
    ds = read_netcdf(out)
    assert ds.sizes["sample"] == 20 and ds.attrs["seed"] == 3
    assert ds["co2_emissions"].attrs["units"] == "Mt CO2"
    assert "input_coal_price" in ds and "target_probability" in ds
    assert not (tmp_path / "sweep.nc.chunks").exists()
    bad = runner.invoke(app, [*args, "--max-memory", "lots"])
    assert bad.exit_code == 2 and "not a size" in bad.output
    bad = runner.invoke(app, [*args, "--mode", "guess"])
    assert bad.exit_code == 2
    missing = runner.invoke(app, [*args[:-1], str(tmp_path / "none.nc")])
    assert missing.exit_code == 2 and "not found" in missing.output


def test_default_chunks_are_small_and_assembly_is_lazy(tmp_path, monkeypatch) -> None:
    """2,000 samples were one chunk (so --resume after a kill redid everything) and assembly
    concatenated every chunk in memory (+6.7 KiB per sample)."""
    from energysim.cli.sweep import SIMULATE_CHUNK

    _, lp = agreement_case()
    plan = write_netcdf(lp, tmp_path / "plan.nc")
    saved: list[int] = []
    assembled: list[xr.Dataset] = []
    original_save, original_assemble = ChunkStore.save, ChunkStore.assemble

    def save(self, chunk, ds) -> None:
        saved.append(chunk.stop - chunk.start)
        original_save(self, chunk, ds)

    def assemble(self, every, attrs):
        ds = original_assemble(self, every, attrs)
        assembled.append(ds)
        return ds

    monkeypatch.setattr(ChunkStore, "save", save)
    monkeypatch.setattr(ChunkStore, "assemble", assemble)
    n = 2 * SIMULATE_CHUNK + 76
    args = ["sweep", str(AGREEMENT), "--samples", str(n), "--plan", str(plan), "--no-progress"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "s.nc")])
    assert result.exit_code == 0, result.output
    assert saved == [SIMULATE_CHUNK, SIMULATE_CHUNK, 76]
    generation = assembled[0]["generation"]
    assert generation.chunks is not None  # dask-backed: read block by block when written
    assert generation.chunks[generation.dims.index("sample")] == (SIMULATE_CHUNK,) * 2 + (76,)
    assert read_netcdf(tmp_path / "s.nc").sizes["sample"] == n
