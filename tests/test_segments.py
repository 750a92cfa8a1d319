"""Segmented representative days: each day's hours grouped into chronological segments of
varying length (weights, energy, storage steps, the optimal partition, bad input)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from energysim.errors import InputError
from energysim.inputs.timeslices import PROFILES, _optimal_segments, time_slices
from energysim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SHANXI = ROOT / "inputs" / "shanxi"


@pytest.fixture(scope="module")
def hours() -> object:
    return time_slices(SHANXI, "representative_days", 6)


@pytest.fixture(scope="module", params=[1, 5, 8])
def segmented(request) -> tuple[int, object]:
    return request.param, time_slices(SHANXI, "representative_days", 6, request.param)


def test_segments_keep_the_year_and_every_profile_s_energy(segmented, hours) -> None:
    n, ds = segmented
    assert ds.sizes["slice"] == 6 * n
    assert float(ds["slice_weight"].sum()) == pytest.approx(8760.0, abs=1e-9)
    for name in PROFILES:
        energy = float((ds[name] * ds["slice_weight"]).sum())
        assert energy == pytest.approx(float((hours[name] * hours["slice_weight"]).sum()))


def test_each_day_is_cut_into_contiguous_segments_covering_its_hours(segmented, hours) -> None:
    n, ds = segmented
    day = ds["slice_day"].values
    start = ds["slice_hour"].values
    duration = ds["slice_duration"].values
    members = np.bincount(ds["day_cluster"].values)
    for c in range(6):
        mine = day == c
        assert mine.sum() == n
        assert start[mine][0] == 0 and duration[mine].sum() == 24
        assert np.array_equal(start[mine][1:], np.cumsum(duration[mine])[:-1])
        # a segment's weight: its hours times the days of its cluster
        np.testing.assert_allclose(ds["slice_weight"].values[mine], members[c] * duration[mine])
        # its value: the mean of the representative day's hours it covers
        hourly_day = hours["solar_cf"].values[hours["slice_day"].values == c]
        spans = zip(start[mine], duration[mine].astype(int), strict=True)
        means = [hourly_day[h : h + length].mean() for h, length in spans]
        np.testing.assert_allclose(ds["solar_cf"].values[mine], means)


def test_the_previous_slice_is_the_previous_segment_of_the_same_day(segmented) -> None:
    n, ds = segmented
    index = np.arange(ds.sizes["slice"])
    expected = (index // n) * n + (index - 1) % n
    assert np.array_equal(ds["slice_previous"].values, expected)


def test_twenty_four_segments_are_the_hours_themselves(hours) -> None:
    assert time_slices(SHANXI, "representative_days", 6, 24).identical(hours)
    assert (hours["slice_duration"] == 1).all()


def test_the_partition_is_the_least_squares_one() -> None:
    """Against every partition of 9 hours into 3 contiguous segments (brute force)."""
    rng = np.random.default_rng(7)
    day = rng.random((9, 2))

    def sse(starts: tuple[int, ...]) -> float:
        bounds = [*starts, 9]
        return sum(
            ((day[a:b] - day[a:b].mean(axis=0)) ** 2).sum() for a, b in itertools.pairwise(bounds)
        )

    best = min(((0, *cut) for cut in itertools.combinations(range(1, 9), 2)), key=sse)
    found = tuple(int(h) for h in _optimal_segments(day, 3))
    assert sse(found) == pytest.approx(sse(best), abs=1e-12)


def test_more_segments_fit_the_hourly_days_better(hours) -> None:
    def error(n: int) -> float:
        ds = time_slices(SHANXI, "representative_days", 6, n)
        spread = np.repeat(ds["solar_cf"].values, ds["slice_duration"].values.astype(int))
        return float(np.abs(spread - hours["solar_cf"].values).sum())

    errors = [error(n) for n in (2, 6, 12)]
    assert errors[0] > errors[1] > errors[2] > 0


@pytest.mark.parametrize("segments", [0, 25])
def test_bad_segments_in_a_scenario_name_the_field(segments) -> None:
    overrides = ["time.resolution=representative_days", f"time.segments={segments}"]
    with pytest.raises(InputError) as caught:
        load_scenario(ROOT / "scenarios" / "base.yaml", overrides)
    assert any(p.path == "time.segments" for p in caught.value.problems), caught.value.problems


def test_segments_only_with_representative_days() -> None:
    overrides = ["time.resolution=seasonal_hours", "time.segments=8"]
    with pytest.raises(InputError) as caught:
        load_scenario(ROOT / "scenarios" / "base.yaml", overrides)
    assert "only used with resolution representative_days" in str(caught.value)


def test_a_child_naming_the_resolution_does_not_inherit_days_and_segments(tmp_path) -> None:
    child = tmp_path / "child.yaml"
    base = ROOT / "scenarios" / "base.yaml"
    child.write_text(f"extends: {base}\nname: child\ntime: {{resolution: seasonal_hours}}\n")
    assert load_scenario(child).time.segments is None
    child.write_text(f"extends: {base}\nname: child\ntime: {{days: 12}}\n")  # refines base's days
    assert (load_scenario(child).time.days, load_scenario(child).time.segments) == (12, 8)
    child.write_text(f"extends: {base}\nname: child\ntime: {{resolution: hourly, segments: 4}}\n")
    with pytest.raises(InputError) as caught:  # stated together in one file: still an error
        load_scenario(child)
    assert "only used with resolution representative_days" in str(caught.value)
