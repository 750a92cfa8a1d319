"""Representative days: weights, preserved annual energy, day order, determinism, bad `days`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from energysim.errors import InputError
from energysim.inputs.timeslices import (
    PROFILES,
    cluster_days,
    read_hourly,
    representative_profiles,
    time_slices,
)
from energysim.scenario import load_scenario
from energysim.scenario.schema import DEFAULT_REPRESENTATIVE_DAYS

ROOT = Path(__file__).resolve().parent.parent
SHANXI = ROOT / "inputs" / "shanxi"
KS = (1, 4, 12, 48)


@pytest.fixture(scope="module")
def hourly() -> dict[str, np.ndarray]:
    return read_hourly(SHANXI / "hourly_profiles.csv")


@pytest.fixture(scope="module", params=KS)
def clustered(request):
    return request.param, time_slices(SHANXI, "representative_days", request.param)


def test_weights_sum_to_a_year(clustered) -> None:
    k, ds = clustered
    assert ds.sizes["slice"] == 24 * k
    assert float(ds["slice_weight"].sum()) == pytest.approx(8760.0, abs=1e-9)
    # every hour of a representative day stands for as many hours as the cluster has days
    members = np.bincount(ds["day_cluster"].values, minlength=k)
    np.testing.assert_array_equal(ds["slice_weight"].values, np.repeat(members, 24))
    assert members.min() >= 1


@pytest.mark.parametrize("profile", PROFILES)
def test_annual_energy_of_every_profile_is_preserved(clustered, hourly, profile: str) -> None:
    _, ds = clustered
    aggregated = float((ds["slice_weight"] * ds[profile]).sum())
    assert aggregated == pytest.approx(hourly[profile].sum(), rel=1e-9)


@pytest.mark.parametrize("k", [4, 48])
def test_medoid_days_are_rescaled_to_the_annual_energy(hourly, k: int) -> None:
    """Medoids are real days; scaled (capacity factors clipped at 1) to each annual energy."""
    days = cluster_days(hourly, k)
    members = np.bincount(days, minlength=k)
    profiles = representative_profiles(hourly, days, "medoid")
    for name in PROFILES:
        values = profiles[name]
        assert values.shape == (k, 24)
        assert float((members[:, None] * values).sum()) == pytest.approx(
            hourly[name].sum(), rel=1e-9
        )
        assert values.min() >= 0.0
        if name.endswith("_cf"):
            assert values.max() <= 1.0


def test_medoid_rescaling_clips_capacity_factors_at_one() -> None:
    """A medoid whose scaled capacity factor would pass 1 is clipped there and the rest of its
    hours carry the remainder of the annual energy."""
    peaky = np.full(24, 0.1)
    peaky[0] = 0.9
    wind = np.ones((365, 24))  # cluster 1 (days 3-364) is at full output: only cluster 0 scales
    wind[:2] = peaky  # cluster 0 = days 0-2; its medoid is one of the two peaky days
    hourly = {name: np.ones(8760) for name in PROFILES}
    hourly["wind_cf"] = wind.ravel()
    days = np.array([0, 0, 0] + [1] * 362)
    profiles = representative_profiles(hourly, days, "medoid")
    members = np.bincount(days)
    assert float((members[:, None] * profiles["wind_cf"]).sum()) == pytest.approx(
        hourly["wind_cf"].sum(), rel=1e-9
    )
    assert profiles["wind_cf"].max() == 1.0
    assert profiles["wind_cf"][0, 0] == 1.0 and profiles["wind_cf"][0, 1] > 0.1


def test_each_representative_day_is_a_real_day_of_its_cluster(clustered, hourly) -> None:
    """The day order maps every day to its cluster; each cluster's representative (medoid) is
    one of its own days, scaled: the load profile differs from it by one factor only."""
    k, ds = clustered
    days = ds["day_cluster"].values
    assert days.shape == (365,)
    assert sorted(set(days.tolist())) == list(range(k))
    load = ds["load_pu"].values.reshape(k, 24)
    for c in range(k):
        ratios = load[c] / hourly["load_pu"].reshape(365, 24)[days == c]
        assert np.ptp(ratios, axis=1).min() < 1e-9
    # clusters are numbered by their first day in the year
    first = [int(np.flatnonzero(days == c)[0]) for c in range(k)]
    assert first == sorted(first) and first[0] == 0


def test_mean_days_are_the_mean_of_their_cluster(hourly) -> None:
    days = cluster_days(hourly, 12)
    means = representative_profiles(hourly, days, "mean")
    for name in PROFILES:
        for c in range(12):
            np.testing.assert_allclose(
                means[name][c], hourly[name].reshape(365, 24)[days == c].mean(axis=0)
            )


def test_previous_slice_stays_within_the_representative_day(clustered) -> None:
    k, ds = clustered
    previous = ds["slice_previous"].values
    assert np.array_equal(previous // 24, np.arange(24 * k) // 24)
    assert np.array_equal(ds["slice_day"].values, np.arange(24 * k) // 24)


def test_365_days_reproduce_the_hourly_year(hourly) -> None:
    ds = time_slices(SHANXI, "representative_days", 365)
    np.testing.assert_array_equal(ds["day_cluster"].values, np.arange(365))
    for name in PROFILES:
        np.testing.assert_array_equal(ds[name].values, hourly[name])


def test_clustering_is_deterministic() -> None:
    a = time_slices(SHANXI, "representative_days", 12)
    b = time_slices(SHANXI, "representative_days", 12)
    assert a.identical(b)


def test_more_days_fit_the_hourly_profiles_better(hourly) -> None:
    """The clustering error (hourly profile vs. its day's representative) falls with k."""

    def error(k: int) -> float:
        ds = time_slices(SHANXI, "representative_days", k)
        days = ds["day_cluster"].values
        total = 0.0
        for name in PROFILES:
            represented = ds[name].values.reshape(k, 24)[days].ravel()
            total += float(np.sqrt(np.mean((represented - hourly[name]) ** 2)))
        return total

    errors = [error(k) for k in (2, 8, 48)]
    assert errors[0] > errors[1] > errors[2]


@pytest.mark.parametrize("days", [0, 366, -3, None])
def test_bad_days_are_input_errors(days) -> None:
    with pytest.raises(InputError) as caught:
        time_slices(SHANXI, "representative_days", days)
    assert caught.value.problems[0].path == "time.days"
    assert "between 1 and 365" in caught.value.problems[0].message


@pytest.mark.parametrize("days", [0, 366])
def test_bad_days_in_a_scenario_name_the_field(days) -> None:
    overrides = ["time.resolution=representative_days", f"time.days={days}"]
    with pytest.raises(InputError) as caught:
        load_scenario(ROOT / "scenarios" / "base.yaml", overrides)
    assert any(p.path == "time.days" for p in caught.value.problems), caught.value.problems


def test_hourly_storage_is_chronological_and_cyclic_over_the_year() -> None:
    ds = time_slices(SHANXI, "hourly")
    previous = ds["slice_previous"].values
    assert previous[0] == 8759 and np.array_equal(previous[1:], np.arange(8759))
    assert "day_cluster" not in ds  # no day linking: the hours themselves are in order


def test_scenario_days_default_and_only_with_representative_days() -> None:
    base = ROOT / "scenarios" / "base.yaml"
    scenario = load_scenario(base, ["time.resolution=representative_days"])
    assert scenario.time.days == DEFAULT_REPRESENTATIVE_DAYS == 24
    assert scenario.time.segments is None  # naming the resolution starts a fresh time block
    assert load_scenario(base).time.segments == 8  # the shipped default
    seasonal = load_scenario(base, ["time.resolution=seasonal_hours"]).time
    assert seasonal.days is None and seasonal.segments is None  # not inherited
    with pytest.raises(InputError) as caught:  # seasonal_hours does not take days
        load_scenario(base, ["time.resolution=seasonal_hours", "time.days=8"])
    assert "only used with resolution representative_days" in str(caught.value)
