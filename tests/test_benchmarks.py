"""The benchmark runner's quick mode runs and records what it promises (never its timings)."""

from __future__ import annotations

import json

import pytest

from benchmarks.__main__ import failed_checks, main
from benchmarks.runner import REGISTRY


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    path = main(["--quick", "--out", str(out)])
    return path, json.loads(path.read_text())


def test_quick_run_writes_json_and_markdown(quick_run):
    path, run = quick_run
    assert run["quick"] is True
    for key in ("cpu", "cores", "git_commit", "packages", "time_utc"):
        assert key in run["machine"]
    table = path.with_suffix(".md").read_text()
    assert "| case | size | phase | seconds | peak MiB | repeats |" in table
    assert run["baselines"]["memory_bandwidth_bytes_per_s"] > 0


def test_every_lp_phase_is_measured(quick_run):
    _, run = quick_run
    lp = next(c for c in run["cases"] if c["name"].startswith("seasonal"))
    phases = {p["name"]: p for p in lp["phases"]}
    for name in (
        "load scenario + inputs",
        "build (Pyomo)",
        "hand-off, Pyomo contrib Highs (old path)",
        "hand-off, standard form + passModel",
        "HiGHS run",
        "extract results",
        "write NetCDF",
        "baseline: highspy build from CSR arrays",
        "baseline: HiGHS run",
    ):
        assert phases[name]["seconds"] >= 0
        assert phases[name]["repeats"] >= 1
    figures = {f["name"]: f for f in lp["figures"]}
    build = figures["build + hand-off (direct)"]
    assert build["ratio"] == pytest.approx(build["value"] / build["baseline"])


def test_direct_highspy_lp_and_pyomo_lp_reach_the_same_objective(quick_run):
    _, run = quick_run
    lp = next(c for c in run["cases"] if c["name"].startswith("seasonal"))
    check = lp["checks"]["objective equal"]
    assert check["ok"]
    assert check["pyomo"] == pytest.approx(check["highspy"], rel=1e-6)
    assert abs(check["pyomo"]) > 1.0  # a real cost, not an empty model's zero


def test_sweep_kernel_equals_reference_and_workers_agree(quick_run):
    path, run = quick_run
    cases = {c["name"].split(",")[0]: c for c in run["cases"]}
    for engine in ("kernel", "numba kernel"):
        assert cases["sweep reference"]["checks"][f"{engine} equals reference"]["ok"]
    assert cases["sweep chunks"]["checks"]["1 and 2 workers identical"]["ok"]
    kernel = cases["sweep kernel"]
    assert kernel["checks"]["numba equals numpy kernel (float64)"]["ok"]
    phases = {p["name"] for p in kernel["phases"]}
    assert {"sampling", "kernel numpy (float32, blocks of 256)"} <= phases
    assert "kernel numba (float64, blocks of 256)" in phases
    compilation = {p["name"]: p["seconds"] for p in cases["sweep kernel compilation"]["phases"]}
    assert compilation["numba compile, fresh cache (separate process)"] > 0
    assert failed_checks(path) == []


def test_benchmarks_are_registered_with_baselines():
    assert {"lp", "sweep", "screening LP", "baseline:memory_bandwidth"} <= set(REGISTRY)


def test_screening_lp_is_the_same_lp_in_energysim_and_pypsa_or_skipped(quick_run):
    """With PyPSA (the bench extra) both tools build the single-bus LP and HiGHS finds the same
    objective; without it the case is listed as not measured, saying why."""
    from benchmarks.screening import NAME, pypsa_missing

    _, run = quick_run
    cases = [c for c in run["cases"] if c["name"].startswith("single-bus")]
    if pypsa_missing():
        assert not cases
        assert "bench extra" in run["skipped"][NAME]
        return
    (case,) = cases
    check = case["checks"]["objective equal (energysim, PyPSA)"]
    assert check["ok"], check
    assert check["energysim"] == pytest.approx(check["pypsa"], rel=1e-6)
    figure = next(f for f in case["figures"] if f["name"].startswith("build + hand-off"))
    assert figure["value"] > 0 and figure["baseline"] > 0
