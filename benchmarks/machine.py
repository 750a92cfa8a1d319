"""What machine and code a run measured, and the machine's memory bandwidth baseline."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import numpy as np

from benchmarks.runner import Case, Context, Phase, benchmark

ROOT = Path(__file__).resolve().parent.parent


def machine_info() -> dict:
    return {
        "time_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "memory_gib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
        "load_average": os.getloadavg(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {p: version(p) for p in ("numpy", "pyomo", "highspy", "xarray", "scipy")},
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


@benchmark("baseline:memory_bandwidth")
def memory_bandwidth(context: Context) -> list[Case]:
    """Bytes moved per second by a large NumPy copy (read + write counted), best of repeats.

    The best rather than the median: the baseline is what the machine can do, and a noisy
    neighbour only ever makes a copy slower."""
    mib = 64 if context.quick else 512
    repeats = 3 if context.quick else 7
    source = np.ones(mib * 2**20 // 8)
    target = np.empty_like(source)
    np.copyto(target, source)  # touch the pages once so page faults are not timed
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        np.copyto(target, source)
        times.append(time.perf_counter() - started)
    moved = 2 * source.nbytes
    bandwidth = moved / min(times)
    context.baselines["memory_bandwidth_bytes_per_s"] = bandwidth
    case = Case(
        "memory bandwidth",
        f"{mib} MiB float64 copy",
        phases=[
            Phase("copy (best)", min(times), float("nan"), repeats, f"{bandwidth / 1e9:.1f} GB/s")
        ],
    )
    return [case]
