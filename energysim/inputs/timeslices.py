"""Time slices within a year, built from the hourly reference-year profiles.

`seasonal_hours` averages each profile over the hours of a season at each hour of the day
(4 x 24 = 96 slices). `hourly` keeps all 8,760 hours in order. `representative_days` groups the
365 days into k clusters of similar days (all profiles jointly) and keeps one real day of each
cluster, its medoid, rescaled so every profile keeps its annual energy (k x 24 slices, or k x
n with the day's hours grouped into n chronological segments); `day_cluster` records the
cluster of every chronological day so storage can be linked across days. Each slice's weight is
the number of hours it stands for, so weights sum to 8,760 and the annual energy of every
profile is preserved; `slice_duration` is its own length in hours (the storage step).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import cdist

from energysim.errors import InputError, Problem
from energysim.inputs.tables import csv_rows

PROFILES = ("load_pu", "wind_cf", "solar_cf", "heat_pu", "hydro_cf")
SEASON_OF_MONTH = {
    12: "winter",
    1: "winter",
    2: "winter",
    3: "spring",
    4: "spring",
    5: "spring",
    6: "summer",
    7: "summer",
    8: "summer",
    9: "autumn",
    10: "autumn",
    11: "autumn",
}
SEASONS = ("winter", "spring", "summer", "autumn")
UNITS = {
    "load_pu": "per unit of mean load",
    "wind_cf": "fraction",
    "solar_cf": "fraction",
    "heat_pu": "per unit of mean heat demand",
    "hydro_cf": "fraction",
}
DAYS_PER_YEAR = 365
# Each cluster of days is represented by its medoid, rescaled to the annual energy: closer to the
# hourly model than the cluster mean, which smooths peaks away (README, "Representative days").
REPRESENTATION = "medoid"


def read_hourly(path: Path) -> dict[str, np.ndarray]:
    """The 8,760-hour reference year as arrays; checks length, ranges and finiteness."""
    if not path.is_file():
        raise InputError([Problem(str(path), 1, 1, "", "required hourly profile table is missing")])
    lines = csv_rows(path)
    header = [h.strip() for h in (lines[0] if lines else [])]
    rows = [r for r in lines[1:] if any(c.strip() for c in r)]
    missing = [c for c in ("month", "hour_of_day", *PROFILES) if c not in header]
    if missing:
        raise InputError([Problem(str(path), 1, 1, "", f"missing columns {missing}")])
    if len(rows) != 8760:
        raise InputError(
            [Problem(str(path), 1, 1, "", f"needs 8760 hourly rows (got {len(rows)})")]
        )
    table = numeric_table(path, header, lines[1:])
    columns = {name: table[:, header.index(name)] for name in header}
    problems = []
    for name in PROFILES:
        values = columns[name]
        bad = np.flatnonzero(
            ~np.isfinite(values) | (values < 0) | ((values > 1) if name.endswith("_cf") else False)
        )
        if bad.size:
            line = int(bad[0]) + 2
            problems.append(
                Problem(
                    str(path),
                    line,
                    header.index(name) + 1,
                    name,
                    f"value outside the allowed range (got {values[bad[0]]:g})",
                )
            )
    if problems:
        raise InputError(problems)
    return columns


MAX_LISTED = 20  # bad cells listed before the rest are summarised


def numeric_table(path: Path, header: list[str], lines: list[list[str]]) -> np.ndarray:
    """The numbers of `lines` (the rows after the header, blank rows skipped) as an array;
    every short or long row and every cell that is not a number is reported at its line and
    column."""
    problems: list[Problem] = []
    values: list[list[float]] = []
    for line, cells in enumerate(lines, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    str(path),
                    line,
                    min(len(cells), len(header)) + 1,
                    "",
                    f"row has {len(cells)} cells; the header has {len(header)}",
                )
            )
            continue
        row = []
        for column, (name, cell) in enumerate(zip(header, cells, strict=True), start=1):
            try:
                row.append(float(cell))
            except ValueError:
                problems.append(
                    Problem(str(path), line, column, name, f"not a number (got {cell!r})")
                )
        values.append(row)
    if problems:
        if len(problems) > MAX_LISTED:
            rest = len(problems) - MAX_LISTED
            last = problems[MAX_LISTED]
            more = Problem(last.file, last.line, last.column, "", f"and {rest} more bad cells")
            problems = [*problems[:MAX_LISTED], more]
        raise InputError(problems)
    return np.array(values, dtype=float).reshape(len(values), len(header))


def time_slices(
    folder: Path,
    resolution: str = "seasonal_hours",
    days: int | None = None,
    segments: int | None = None,
) -> xr.Dataset:
    """Slices of `resolution` from hourly_profiles.csv, or the explicit time_slices.csv of a
    small custom inputs folder (columns slice, weight and the profiles; weights sum to 8,760).

    With representative days, `segments` (1..24, default 24) groups each day's hours into that
    many chronological segments of varying length (`segment_days`)."""
    if (folder / "time_slices.csv").is_file():
        return _explicit_slices(folder / "time_slices.csv")
    path = folder / "hourly_profiles.csv"
    hourly = read_hourly(path)
    if resolution == "hourly":
        index = np.arange(8760)
        weight = np.ones(8760)
        values = {name: hourly[name] for name in PROFILES}
        season = np.array([SEASON_OF_MONTH[int(m)] for m in hourly["month"]])
        hour = hourly["hour_of_day"].astype(int)
        previous = np.roll(index, 1)
        duration = np.ones(8760)
    elif resolution == "seasonal_hours":
        season_of_hour = np.array([SEASONS.index(SEASON_OF_MONTH[int(m)]) for m in hourly["month"]])
        group = season_of_hour * 24 + hourly["hour_of_day"].astype(int)
        weight = np.bincount(group, minlength=96).astype(float)
        values = {
            name: np.bincount(group, hourly[name], minlength=96) / weight for name in PROFILES
        }
        index = np.arange(96)
        season = np.repeat(SEASONS, 24)
        hour = np.tile(np.arange(24), 4)
        previous = (index // 24) * 24 + (index - 1) % 24  # cyclic within each season's day
        duration = np.ones(96)
    elif resolution == "representative_days":
        day_cluster = cluster_days(hourly, _checked_days(days, path))
        k = int(day_cluster.max()) + 1
        members = np.bincount(day_cluster, minlength=k)
        profiles = representative_profiles(hourly, day_cluster)
        starts = segment_days(profiles, hourly, _checked_segments(segments, path))
        length = [np.diff(start, append=24) for start in starts]
        values = {
            name: np.concatenate(
                [np.add.reduceat(profile[c], starts[c]) / length[c] for c in range(k)]
            )
            for name, profile in profiles.items()
        }
        per_day = np.array([len(start) for start in starts])
        day = np.repeat(np.arange(k), per_day)
        first = np.cumsum(per_day) - per_day  # index of each day's first slice
        index = np.arange(int(per_day.sum()))
        duration = np.concatenate(length).astype(float)
        weight = members[day] * duration  # each slice of a cluster's day: n_c x its hours
        seasons = [_main_season(hourly, day_cluster == c) for c in range(k)]
        season = np.array(seasons)[day]
        hour = np.concatenate(starts)
        previous = first[day] + (index - first[day] - 1) % per_day[day]  # cyclic within the day
    else:
        raise InputError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    "time.resolution",
                    f"resolution {resolution!r} is not available yet",
                )
            ]
        )
    ds = xr.Dataset(coords={"slice": ("slice", index)})
    ds["slice_weight"] = (
        "slice",
        weight,
        {"units": "h", "long_name": "hours each slice stands for"},
    )
    ds["slice_season"] = ("slice", season)
    ds["slice_hour"] = ("slice", hour, {"units": "hour of day"})
    ds["slice_previous"] = ("slice", previous, {"long_name": "the slice before (storage)"})
    ds["slice_duration"] = (
        "slice",
        duration,
        {"units": "h", "long_name": "hours from the start of the slice to the next (storage step)"},
    )
    for name in PROFILES:
        ds[name] = ("slice", values[name], {"units": UNITS[name]})
    if resolution == "representative_days":
        ds.coords["day"] = ("day", np.arange(DAYS_PER_YEAR), {"long_name": "day of the year"})
        ds["day_cluster"] = (
            "day",
            day_cluster,
            {"long_name": "representative day (cluster) of each chronological day"},
        )
        ds["slice_day"] = ("slice", day, {"long_name": "representative day of the slice"})
    add_peaks(ds, hourly["load_pu"], hourly["heat_pu"])
    return ds


def add_peaks(ds: xr.Dataset, load_pu: np.ndarray, heat_pu: np.ndarray) -> None:
    """The hourly peaks of load and district heat: what firm capacity (reserve margin) and the
    heat network are sized on, whatever the slices average away."""
    ds["peak_load_pu"] = (
        (),
        float(np.max(load_pu)),
        {"units": UNITS["load_pu"], "long_name": "hourly peak load"},
    )
    ds["peak_heat_pu"] = (
        (),
        float(np.max(heat_pu)),
        {"units": UNITS["heat_pu"], "long_name": "hourly peak district heat demand"},
    )


def daily(series: np.ndarray) -> np.ndarray:
    """An 8,760-hour series as 365 rows of 24 hours."""
    return series.reshape(DAYS_PER_YEAR, 24)


def cluster_days(hourly: dict[str, np.ndarray], k: int) -> np.ndarray:
    """The cluster (0..k-1) of each of the 365 days, clustering all profiles jointly.

    Each profile is scaled to [0, 1] over the year so that no profile dominates by its units;
    a day is the vector of its 24 scaled hours of every profile. Ward's hierarchical clustering
    (scipy) is deterministic (no random start) and never leaves a cluster empty; Kotzur et al.
    (2018) found it among the best methods for sizing storage. Clusters are numbered by the
    first day of the year they contain, so the numbering is reproducible too.
    """
    labels = fcluster(linkage(day_features(hourly), method="ward"), t=k, criterion="maxclust")
    first_day = {label: day for day, label in reversed(list(enumerate(labels)))}
    order = sorted(first_day, key=first_day.__getitem__)
    renumber = {label: number for number, label in enumerate(order)}
    return np.array([renumber[label] for label in labels], dtype=int)


def day_features(hourly: dict[str, np.ndarray]) -> np.ndarray:
    """365 rows: each day's 24 hours of every profile, each profile scaled to [0, 1]."""
    features = []
    for name in PROFILES:
        values = daily(hourly[name])
        span = values.max() - values.min()
        features.append((values - values.min()) / span if span > 0 else np.zeros_like(values))
    return np.hstack(features)


def representative_profiles(
    hourly: dict[str, np.ndarray], day_cluster: np.ndarray, representation: str | None = None
) -> dict[str, np.ndarray]:
    """Each profile on the representative days (k x 24), with its annual energy preserved.

    `mean`: the mean day of each cluster (exact energy, smoothed variability). `medoid`: the
    member day closest to all others (real variability), then scaled per profile to the annual
    energy, capacity factors clipped at 1 and the remainder spread over the unclipped hours
    (the cluster means where no scaling reaches the energy).
    """
    k = int(day_cluster.max()) + 1
    members = np.bincount(day_cluster, minlength=k)
    means = {
        name: np.stack([daily(hourly[name])[day_cluster == c].mean(axis=0) for c in range(k)])
        for name in PROFILES
    }
    if (representation or REPRESENTATION) == "mean":
        return means
    features = day_features(hourly)
    medoids = []
    for c in range(k):
        days = np.flatnonzero(day_cluster == c)
        distance = cdist(features[days], features[days], "sqeuclidean").sum(axis=1)
        medoids.append(int(days[np.argmin(distance)]))
    profiles = {}
    for name in PROFILES:
        values = daily(hourly[name])[medoids]
        target = hourly[name].sum()
        upper = 1.0 if name.endswith("_cf") else np.inf
        for _ in range(50):  # scale the unclipped hours until the energy is met
            free = values < upper
            fixed = (members[:, None] * np.where(free, 0.0, values)).sum()
            scalable = (members[:, None] * np.where(free, values, 0.0)).sum()
            if scalable <= 0 or abs(fixed + scalable - target) <= 1e-12 * target:
                break
            values = np.minimum(np.where(free, values * (target - fixed) / scalable, values), upper)
        energy = (members[:, None] * values).sum()
        # medoids without this profile's energy (a summer day standing for the whole year's heat
        # demand when k = 1) cannot be scaled to it: that profile keeps the cluster means
        profiles[name] = values if abs(energy - target) <= 1e-9 * target else means[name]
    return profiles


def segment_days(
    profiles: dict[str, np.ndarray], hourly: dict[str, np.ndarray], segments: int
) -> list[np.ndarray]:
    """The first hour of each segment of each representative day (k arrays of `segments`).

    Time-series segmentation (Pineda and Morales 2018; Hoffmann et al., Applied Energy 304
    (2021) 117825, as in tsam and PyPSA-Eur's `SEG` option): a day's hours are grouped into
    chronological segments of varying length, so flat night hours merge while the solar and
    load ramps keep their hours. For each day the partition is the one of least squared
    distance of the hours from their segment's mean, all profiles jointly (each scaled to
    [0, 1] over the year, as for clustering the days), found exactly by dynamic programming:

        cost[n][j] = min_i cost[n-1][i] + sse(hours i..j-1)

    Deterministic; 24 segments give the 24 hours unchanged.
    """
    k = next(iter(profiles.values())).shape[0]
    if segments >= 24:
        return [np.arange(24) for _ in range(k)]
    scaled = []
    for name, profile in profiles.items():
        span = hourly[name].max() - hourly[name].min()
        scaled.append((profile - hourly[name].min()) / span if span > 0 else 0 * profile)
    days = np.stack(scaled, axis=2)  # (k, 24, profiles)
    return [_optimal_segments(days[c], segments) for c in range(k)]


def _optimal_segments(day: np.ndarray, segments: int) -> np.ndarray:
    """Start hours of the least-squares partition of the rows of `day` into `segments`
    contiguous groups (dynamic programming over prefix sums)."""
    hours = day.shape[0]
    total = np.vstack([np.zeros(day.shape[1]), np.cumsum(day, axis=0)])
    squares = np.concatenate([[0.0], np.cumsum((day**2).sum(axis=1))])

    def sse(i: int, j: int) -> float:  # hours i..j-1
        part = total[j] - total[i]
        return float(squares[j] - squares[i] - part @ part / (j - i))

    cost = np.full((segments + 1, hours + 1), np.inf)
    start = np.zeros((segments + 1, hours + 1), dtype=int)
    cost[0, 0] = 0.0
    for n in range(1, segments + 1):
        for j in range(n, hours - segments + n + 1):
            options = [cost[n - 1, i] + sse(i, j) for i in range(n - 1, j)]
            best = int(np.argmin(options))  # first minimum: ties resolved the same way always
            cost[n, j], start[n, j] = options[best], n - 1 + best
    starts, j = [], hours
    for n in range(segments, 0, -1):
        j = start[n, j]
        starts.append(j)
    return np.array(starts[::-1])


def _checked_segments(segments: int | None, path: Path) -> int:
    if segments is None:
        return 24
    if isinstance(segments, bool) or not 1 <= int(segments) <= 24:
        raise InputError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    "time.segments",
                    f"representative days take 1 to 24 segments a day (got {segments!r})",
                )
            ]
        )
    return int(segments)


def _checked_days(days: int | None, path: Path) -> int:
    if days is None or isinstance(days, bool) or not 1 <= int(days) <= DAYS_PER_YEAR:
        raise InputError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    "time.days",
                    f"representative_days needs days between 1 and {DAYS_PER_YEAR} (got {days!r})",
                )
            ]
        )
    return int(days)


def _main_season(hourly: dict[str, np.ndarray], days: np.ndarray) -> str:
    """The season most of a cluster's days fall in (ties: the earlier season in SEASONS)."""
    months = daily(hourly["month"])[days, 0].astype(int)
    counts = [sum(SEASON_OF_MONTH[m] == season for m in months) for season in SEASONS]
    return SEASONS[int(np.argmax(counts))]


def _explicit_slices(path: Path) -> xr.Dataset:
    lines = csv_rows(path)
    header = [h.strip() for h in (lines[0] if lines else [])]
    if "weight" not in header:
        message = f"missing columns ['weight'] (have {header})"
        raise InputError([Problem(str(path), 1, 1, "", message)])
    table = numeric_table(path, header, lines[1:])
    rows = [dict(zip(header, values, strict=True)) for values in table]
    weight = np.array([r["weight"] for r in rows])
    if abs(weight.sum() - 8760.0) > 1e-6:
        raise InputError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    "weight",
                    f"slice weights must sum to 8760 h (got {weight.sum():g})",
                )
            ]
        )
    index = np.arange(len(rows))
    ds = xr.Dataset(coords={"slice": ("slice", index)})
    ds["slice_weight"] = ("slice", weight, {"units": "h"})
    ds["slice_previous"] = ("slice", np.roll(index, 1))
    ds["slice_duration"] = ("slice", np.ones(len(rows)), {"units": "h"})
    for name in PROFILES:
        ds[name] = (
            "slice",
            np.array([float(r.get(name, 0.0)) for r in rows]),
            {"units": UNITS[name]},
        )
    add_peaks(ds, ds["load_pu"].values, ds["heat_pu"].values)  # explicit slices: their own peaks
    return ds
