"""The benchmark runner: a registry of benchmark functions, phase measurement (wall time and
peak memory) and the run record (JSON and a markdown table).

A benchmark is a function `(Context) -> list[Case]`, registered with `@benchmark(name)`;
those named "baseline..." run first, the others in registration order. Each Case holds
measured phases, figures (a value beside the baseline it is compared with, measured in the same
run, and the goal for the ratio) and checks (results that must agree, e.g. two ways of solving
one LP). Baselines leave their numbers in `Context.baselines` (memory bandwidth) for later
benchmarks.

Memory: a sampling thread reads the resident set size from /proc/self/statm every 5 ms; a
phase's `peak_mib` is the highest RSS seen during it minus the RSS when it started (after a
garbage collection and glibc `malloc_trim`), so it counts NumPy and HiGHS (C++) allocations as
well as Python objects, in this process only (dask worker processes are not included). Memory
freed and reused inside a phase is not counted twice; anything shorter than 5 ms may be missed.
"""

from __future__ import annotations

import ctypes
import gc
import os
import statistics
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

PAGE_MIB = os.sysconf("SC_PAGE_SIZE") / 2**20
try:
    _LIBC: ctypes.CDLL | None = ctypes.CDLL("libc.so.6")
    _LIBC.malloc_trim  # noqa: B018 - glibc only
except (OSError, AttributeError):
    _LIBC = None


@dataclass
class Phase:
    name: str
    seconds: float  # median over repeats
    peak_mib: float  # highest RSS during the phase above its start, over repeats
    repeats: int = 1
    note: str = ""


@dataclass
class Figure:
    """A measured value beside its baseline; ratio = value / baseline, goal is on the ratio."""

    name: str
    value: float
    unit: str
    baseline_name: str
    baseline: float
    goal: str = ""  # e.g. "<= 10"; empty when the figure is informative only
    met: bool | None = None

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")


def goal_figure(name: str, value: float, unit: str, goal: float) -> Figure:
    """`value` against an absolute goal (the ratio below 1 meets it)."""
    return Figure(name, value, unit, f"goal {goal:g} {unit}", goal, "< 1", value < goal)


@dataclass
class Case:
    name: str
    size: str
    phases: list[Phase] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    checks: dict = field(default_factory=dict)  # name -> {"ok": bool, ...details}

    def seconds(self, phase: str) -> float:
        return next(p.seconds for p in self.phases if p.name == phase)


@dataclass
class Context:
    quick: bool
    workdir: Path  # scratch space for files a benchmark writes (NetCDF, sweep chunks)
    baselines: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)  # measurement -> why it is not measured yet


Benchmark = Callable[[Context], list[Case]]
REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str) -> Callable[[Benchmark], Benchmark]:
    """Register a benchmark function under `name`; registration order is run order."""

    def register(function: Benchmark) -> Benchmark:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} registered twice")
        REGISTRY[name] = function
        return function

    return register


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE_MIB


def _release_free_memory() -> None:
    """Collect garbage and hand freed heap back to the OS (glibc), so that a phase's peak is
    measured from what is really in use, not from the high-water mark of earlier phases."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


class _PeakSampler:
    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        _release_free_memory()
        self.start = rss_mib()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, rss_mib())

    def __enter__(self) -> _PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())


class Timings:
    """Collects phases over repeats of a pipeline: `with t.phase("build"): ...`."""

    def __init__(self) -> None:
        self._seconds: dict[str, list[float]] = {}
        self._peaks: dict[str, list[float]] = {}
        self.notes: dict[str, str] = {}

    @contextmanager
    def phase(self, name: str):
        with _PeakSampler() as sampler:
            started = time.perf_counter()
            yield
            seconds = time.perf_counter() - started
        self.add(name, seconds, sampler.peak - sampler.start)

    def add(self, name: str, seconds: float, peak_mib: float = float("nan")) -> None:
        self._seconds.setdefault(name, []).append(seconds)
        self._peaks.setdefault(name, []).append(peak_mib)

    def phases(self) -> list[Phase]:
        return [
            Phase(
                name,
                statistics.median(values),
                max(self._peaks[name]),
                len(values),
                self.notes.get(name, ""),
            )
            for name, values in self._seconds.items()
        ]


def run_all(context: Context, only: list[str] | None = None) -> list[Case]:
    cases: list[Case] = []
    baselines_first = sorted(REGISTRY.items(), key=lambda item: not item[0].startswith("baseline"))
    for name, function in baselines_first:
        if only and not any(name.startswith(prefix) for prefix in only):
            continue
        print(f"[bench] {name} ...", flush=True)
        started = time.perf_counter()
        cases.extend(function(context))
        print(f"[bench] {name} done in {time.perf_counter() - started:.1f} s", flush=True)
    return cases


def record(context: Context, cases: list[Case], machine: dict) -> dict:
    return {
        "machine": machine,
        "quick": context.quick,
        "baselines": context.baselines,
        "skipped": context.skipped,
        "memory_method": "peak RSS above the phase's start, /proc/self/statm sampled every 5 ms",
        "cases": [
            {
                **asdict(case),
                "figures": [{**asdict(f), "ratio": f.ratio} for f in case.figures],
            }
            for case in cases
        ],
    }


def markdown(cases: list[Case], machine: dict, skipped: dict) -> str:
    """Two tables: phases (time and memory) per case, then figures with baselines and ratios."""
    lines = [
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']:.0f} GiB; "
        f"commit {machine['git_commit'][:10]}{' (dirty)' if machine['git_dirty'] else ''}; "
        f"{machine['time_utc']}; load average at start {machine['load_average'][0]:.1f}.",
        "",
        "| case | size | phase | seconds | peak MiB | repeats |",
        "|---|---|---|---:|---:|---:|",
    ]
    for case in cases:
        for i, p in enumerate(case.phases):
            note = f" ({p.note})" if p.note else ""
            name, size = (case.name, case.size) if i == 0 else ("", "")
            peak = "–" if p.peak_mib != p.peak_mib else f"{p.peak_mib:.0f}"
            lines.append(
                f"| {name} | {size} | {p.name}{note} | {p.seconds:.3f} | {peak} | {p.repeats} |"
            )
    lines += [
        "",
        "| case | figure | value | baseline | ratio | goal | met |",
        "|---|---|---:|---|---:|---|---|",
    ]
    for case in cases:
        for f in case.figures:
            met = "" if f.met is None else ("yes" if f.met else "**no**")
            lines.append(
                f"| {case.name} | {f.name} | {_number(f.value)} {f.unit} | {f.baseline_name} "
                f"{_number(f.baseline)} {f.unit} | {f.ratio:.3g} | {f.goal} | {met} |"
            )
    checks = [(c.name, k, v) for c in cases for k, v in c.checks.items()]
    if checks:
        lines += ["", "| case | check | ok | detail |", "|---|---|---|---|"]
        for case_name, name, value in checks:
            detail = ", ".join(f"{k}={_number(v)}" for k, v in value.items() if k != "ok")
            lines.append(f"| {case_name} | {name} | {value['ok']} | {detail} |")
    if skipped:
        lines += ["", *(f"Not measured: {name}: {why}." for name, why in skipped.items())]
    return "\n".join(lines) + "\n"


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
