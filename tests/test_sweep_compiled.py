"""The compiled sweep kernel (Numba) against the NumPy kernel, its reference path: equal in
float64 on the agreement fixture and on generated systems, independent of the thread count,
chunk size and dask workers, selectable in the runner and the CLI, and cleanly absent without numba.

The kernel is compiled once per session (then loaded from Numba's on-disk cache): every call
here passes the same argument types."""

from __future__ import annotations

import dataclasses
import functools

import numba
import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from energysim.cli.app import app
from energysim.results.netcdf import read_netcdf, write_netcdf
from energysim.sweep import compiled, runner
from energysim.sweep.compiled import dispatch_compiled
from energysim.sweep.kernel import Dispatch, dispatch
from energysim.sweep.plan import System
from energysim.sweep.runner import Sweep, compute_chunk, run_chunks
from energysim.sweep.store import ChunkStore
from tests.test_sweep import AGREEMENT, agreement_case, generated_cases, sampled

RTOL = ATOL = 1e-9  # TWh; as the NumPy kernel against the plain-Python reference


def _assert_same(ours: Dispatch, theirs: Dispatch) -> None:
    for field in dataclasses.fields(ours):
        np.testing.assert_allclose(
            getattr(ours, field.name), getattr(theirs, field.name), rtol=RTOL, atol=ATOL,
            err_msg=field.name,
        )  # fmt: skip


def test_compiled_equals_numpy_kernel_with_storage_and_uneven_weights() -> None:
    system, _ = agreement_case()
    years = len(system.years)
    weight = np.linspace(0.5, 1.5, len(system.weight))
    stored = dataclasses.replace(
        system,
        weight=weight * 8760 / weight.sum(),
        storage_power=np.full(years, 6.0),
        storage_energy=np.full(years, 30.0),
        storage_efficiency=np.full(years, 0.85),
    )
    params = sampled(40)
    for case in (system, stored):
        ours = dispatch_compiled(case, params, 40)
        _assert_same(ours, dispatch(case, params, 40, np.float64))
    assert ours.storage_charge.max() > 0  # the storage rule did run
    assert ours.unserved.max() > 0.1 and ours.curtailment.max() > 0.1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=generated_cases())
def test_compiled_equals_numpy_kernel_on_generated_systems(case: tuple[System, int]) -> None:
    system, seed = case
    params = sampled(5, seed)
    _assert_same(dispatch_compiled(system, params, 5), dispatch(system, params, 5, np.float64))


def test_results_do_not_depend_on_the_number_of_threads() -> None:
    system, _ = agreement_case()
    params = sampled(33)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = dispatch_compiled(system, params, 33)
    finally:
        numba.set_num_threads(threads)
    many = dispatch_compiled(system, params, 33)
    for field in dataclasses.fields(one):
        assert np.array_equal(getattr(one, field.name), getattr(many, field.name)), field.name


def test_same_numbers_for_chunk_sizes_and_dask_workers(tmp_path) -> None:
    system, _ = agreement_case()
    compute = functools.partial(compute_chunk, engine="numba")
    results = []
    for chunk_size, workers in ((30, None), (7, 2)):
        job = Sweep(system, sampled(30, 8), chunk_size, "float64", compute=compute)
        store = ChunkStore(tmp_path / f"{chunk_size}.nc", {"chunk_size": chunk_size}, False)
        every = run_chunks(job, store, workers=workers, progress=False, processes=False)
        results.append(store.assemble(every, {}))
    xr.testing.assert_identical(*results)


def test_runner_engines_agree_and_unknown_engine_is_refused() -> None:
    system, _ = agreement_case()
    params = sampled(12)
    fast = compute_chunk(system, params, 0, "float64", engine="numba")
    slow = compute_chunk(system, params, 0, "float64", engine="numpy")
    xr.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-9)
    with pytest.raises(ValueError, match="unknown sweep engine"):
        compute_chunk(system, params, 0, "float64", engine="fortran")


def test_cli_engine_option_and_fallback_without_numba(tmp_path, monkeypatch) -> None:
    _, lp = agreement_case()
    plan = write_netcdf(lp, tmp_path / "plan.nc")
    args = ["sweep", str(AGREEMENT), "--samples", "6", "--plan", str(plan), "--no-progress"]
    cli = CliRunner()
    result = cli.invoke(app, [*args, "--out", str(tmp_path / "a.nc")])
    assert result.exit_code == 0, result.output
    ds = read_netcdf(tmp_path / "a.nc")
    assert ds.attrs["engine"] == "numba" and ds.attrs["precision"] == "float64"
    bad = cli.invoke(app, [*args, "--engine", "fortran"])
    assert bad.exit_code == 2 and "--engine" in bad.output

    monkeypatch.setattr(compiled, "numba", None)  # as if numba were not installed
    assert runner.default_engine() == "numpy"
    with pytest.raises(RuntimeError, match="needs numba"):
        dispatch_compiled(agreement_case()[0], {}, 1)
    missing = cli.invoke(app, [*args, "--engine", "numba"])
    assert missing.exit_code == 2 and "numba is not installed" in missing.output
    result = cli.invoke(app, [*args, "--out", str(tmp_path / "b.nc")])
    assert result.exit_code == 0, result.output
    fallback = read_netcdf(tmp_path / "b.nc")
    assert fallback.attrs["engine"] == "numpy" and fallback.attrs["precision"] == "float32"
    np.testing.assert_allclose(
        fallback["co2_emissions"], ds["co2_emissions"], rtol=1e-5
    )  # float32 NumPy kernel against the float64 compiled one
