"""`python -m benchmarks [--quick] [--out DIR] [--only NAME ...]`: run every registered
benchmark, write results/bench/bench-<UTC time>.json and .md, print the markdown tables.
Exits non-zero when a check fails (results that must agree), never because of a timing."""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

# Importing a module registers its benchmarks, in this order (baselines first).
from benchmarks import (  # noqa: F401  (registration)
    assembly,
    hourly,
    lp,
    machine,
    optimise,
    pathway,
    screening,
    sweep,
)
from benchmarks.runner import Context, markdown, record, run_all

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI): a minute or two")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench")
    parser.add_argument("--only", nargs="*", help="run only benchmarks whose name starts so")
    args = parser.parse_args(argv)
    info = machine.machine_info()
    with tempfile.TemporaryDirectory(prefix="energysim-bench-") as scratch:
        context = Context(quick=args.quick, workdir=Path(scratch))
        cases = run_all(context, args.only)
    table = markdown(cases, info, context.skipped)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    stem = f"bench-{'quick-' if args.quick else ''}{stamp}"
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{stem}.json"
    path.write_text(json.dumps(record(context, cases, info), indent=2, default=float) + "\n")
    (args.out / f"{stem}.md").write_text(table)
    print(table)
    print(f"written {path} and {path.with_suffix('.md')}")
    return path


def failed_checks(path: Path) -> list[str]:
    """Checks of a run record that did not hold (results that must agree, never timings)."""
    run = json.loads(path.read_text())
    return [
        f"{case['name']}: {name}"
        for case in run["cases"]
        for name, check in case["checks"].items()
        if not check["ok"]
    ]


if __name__ == "__main__":
    failed = failed_checks(main())
    if failed:
        raise SystemExit("checks failed: " + "; ".join(failed))
