"""Accuracy of representative days against the hourly model of the same years.

    python -m benchmarks.accuracy [SCENARIO] [--days 4 8 12 24 48] [--segments 6 8 12]
                                  [--year 2030] [--save DIR] [--reference DIR/hourly.nc]

solves SCENARIO (default scenarios/hourly-2030.yaml) on all 8,760 hours and again on
`seasonal_hours` and with `representative_days` for each k (and each k with its days' hours
grouped into each number of `--segments`), and prints a Markdown table of the
deviations from the hourly model: objective, CO2 and capacity by technology in `--year`, with
build and solve times.
`--save` keeps every results file; `--reference` reuses a saved hourly one instead of solving
it again. Run by hand (the hourly solve takes about 20 minutes on 2 cores); the README records
its output.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import xarray as xr

from energysim.inputs import scenario_inputs
from energysim.model.build import build_model
from energysim.results.extract import to_dataset
from energysim.results.netcdf import read_netcdf, write_netcdf
from energysim.scenario import load_scenario
from energysim.solve.highs import Status, solve

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "hourly-2030.yaml"
DEFAULT_DAYS = (4, 8, 12, 24, 48)
MATERIAL_SHARE = 0.05  # technologies with more than 5 % of the hourly model's capacity


@dataclass
class Outcome:
    label: str
    slices: int
    build_seconds: float
    solve_seconds: float
    objective: float  # bn CNY, discounted
    co2: float
    capacity: dict[str, float]

    @classmethod
    def of(cls, ds: xr.Dataset, label: str, year: int) -> Outcome:
        capacity = ds["capacity"].sel(year=year)
        return cls(
            label=label,
            slices=int(ds.sizes["slice"]),
            build_seconds=float(ds.attrs["build_seconds"]),
            solve_seconds=float(ds.attrs["solve_seconds"]),
            objective=float(ds["total_cost"]) / 1e9,
            co2=float(ds["co2_emissions"].sel(year=year)),
            capacity=capacity.to_series().astype(float).to_dict(),
        )


def solved(scenario_file: Path, overrides: list[str], label: str) -> xr.Dataset:
    """The results Dataset of the scenario with `overrides`; build time in its attrs."""
    started = time.perf_counter()
    scenario = load_scenario(scenario_file, overrides)
    inputs = scenario_inputs(scenario)
    model, data = build_model(scenario, inputs)
    built = time.perf_counter()
    result = solve(model, scenario.solver)
    if result.status is not Status.OPTIMAL:
        raise SystemExit(f"{label}: {result.status} ({result.termination})")
    ds = to_dataset(model, data, result)
    ds.attrs["build_seconds"] = built - started
    return ds


def deviation(value: float, reference: float) -> float:
    """Relative deviation in %, or 0 when both are (numerically) zero."""
    if abs(reference) < 1e-6:
        return 0.0 if abs(value) < 1e-6 else float("inf")
    return 100.0 * (value - reference) / reference


def table(reference: Outcome, outcomes: list[Outcome], year: int) -> str:
    total = sum(reference.capacity.values())
    material = [t for t, gw in reference.capacity.items() if gw > MATERIAL_SHARE * total]
    head = (
        f"| time slices | slices | build s | solve s | objective bn CNY (Δ %) "
        f"| CO2 {year} Mt (Δ %) | worst Δ capacity >5 % | "
        + " | ".join(f"{t} GW" for t in material)
        + " |"
    )
    lines = [head, "|" + "---|" * (7 + len(material))]
    for o in [reference, *outcomes]:
        changes = {t: deviation(o.capacity[t], reference.capacity[t]) for t in material}
        worst = max(changes, key=lambda t: abs(changes[t]))
        cells = [
            o.label,
            str(o.slices),
            f"{o.build_seconds:.1f}",
            f"{o.solve_seconds:.1f}",
            f"{o.objective:.2f} ({deviation(o.objective, reference.objective):+.2f})",
            f"{o.co2:.1f} ({deviation(o.co2, reference.co2):+.2f})",
            "-" if o is reference else f"{changes[worst]:+.2f} ({worst})",
            *(
                f"{o.capacity[t]:.2f}" + ("" if o is reference else f" ({changes[t]:+.1f})")
                for t in material
            ),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--days", type=int, nargs="*", default=list(DEFAULT_DAYS))
    parser.add_argument("--segments", type=int, nargs="*", default=[], help="segments a day")
    parser.add_argument("--year", type=int, default=2030, help="year compared (capacity, CO2)")
    parser.add_argument("--save", type=Path, help="folder for every results file")
    parser.add_argument("--reference", type=Path, help="a saved hourly results file")
    args = parser.parse_args(argv)
    runs = [] if args.reference else [("hourly", ["time.resolution=hourly"])]
    runs += [("seasonal_hours", ["time.resolution=seasonal_hours"])]  # the default, for scale
    runs += [
        (f"{k} days", ["time.resolution=representative_days", f"time.days={k}"]) for k in args.days
    ]
    runs += [
        (
            f"{k} days x {g} segments",
            ["time.resolution=representative_days", f"time.days={k}", f"time.segments={g}"],
        )
        for k in args.days
        for g in args.segments
    ]
    outcomes = []
    if args.reference:
        outcomes.append(Outcome.of(read_netcdf(args.reference), "hourly", args.year))
    for label, overrides in runs:
        ds = solved(args.scenario, overrides, label)
        if args.save:
            write_netcdf(ds, args.save / f"{label.replace(' ', '_')}.nc")
        outcomes.append(Outcome.of(ds, label, args.year))
        print(
            f"{label}: build {ds.attrs['build_seconds']:.1f} s, solve "
            f"{ds.attrs['solve_seconds']:.1f} s",
            flush=True,
        )
    print(table(outcomes[0], outcomes[1:], args.year))


if __name__ == "__main__":
    main()
