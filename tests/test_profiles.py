"""Tests for inputs/shanxi/hourly_profiles.csv and its generator.

The file checks need only numpy and the csv module. The regeneration/determinism test needs
pvlib, and is skipped when pvlib is not installed.
"""

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from energysim.inputs.timeslices import PROFILES

ROOT = Path(__file__).resolve().parents[1]
CSV_PATH = ROOT / "inputs" / "shanxi" / "hourly_profiles.csv"
SCRIPT_PATH = ROOT / "inputs" / "shanxi" / "scripts" / "make_profiles.py"

SOLAR_FLH = 1277.0
WIND_FLH = (2348 + 2045 + 2270) / 3.0  # 2221
PEAK_TO_MEAN = 25.855 / (179.71804e3 / 8784.0)  # 1.2637
HYDRO_FLH = (4420.0 - 700.0) / (2.23 - 1.2)  # 3611.7


def _load_module():
    spec = importlib.util.spec_from_file_location("make_profiles", SCRIPT_PATH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # top level imports only numpy + stdlib
    return mod


COLUMNS = _load_module().COLUMNS  # the generator's header is the file's contract


@pytest.fixture(scope="module")
def data():
    with open(CSV_PATH, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [list(map(float, r)) for r in reader]
    arr = np.array(rows)
    return header, {c: arr[:, i] for i, c in enumerate(header)}


def test_header_and_rows(data):
    header, d = data
    assert header == COLUMNS
    assert set(PROFILES) <= set(header)  # every profile the loader reads is there
    assert len(d["hour"]) == 8760
    assert np.array_equal(d["hour"], np.arange(8760))
    assert np.array_equal(d["hour_of_day"], np.tile(np.arange(24), 365))


def test_calendar(data):
    _, d = data
    # 2019 calendar: 1 Jan is a Tuesday (weekday 1, Monday = 0); 31 Dec is also a Tuesday
    assert d["weekday"][0] == 1 and d["weekday"][-1] == 1
    assert d["month"][0] == 1 and d["day"][0] == 1
    assert d["month"][-1] == 12 and d["day"][-1] == 31
    assert np.sum(d["month"] == 2) == 28 * 24


@pytest.mark.parametrize("col", ["solar_cf", "wind_cf", "hydro_cf"])
def test_cf_bounds(data, col):
    _, d = data
    assert d[col].min() >= 0.0
    assert d[col].max() <= 1.0


def test_solar_flh(data):
    _, d = data
    assert abs(d["solar_cf"].sum() - SOLAR_FLH) <= 0.02 * SOLAR_FLH
    assert 1270.0 <= d["solar_cf"].sum() <= 1310.0


def test_wind_flh(data):
    _, d = data
    assert abs(d["wind_cf"].sum() - WIND_FLH) <= 0.02 * WIND_FLH


def test_wind_seasonality(data):
    _, d = data
    m = d["month"]
    spring = d["wind_cf"][(m >= 3) & (m <= 5)].mean()
    summer = d["wind_cf"][(m >= 7) & (m <= 8)].mean()
    assert spring > 1.3 * summer


def test_hydro_flh(data):
    _, d = data
    assert abs(d["hydro_cf"].sum() - HYDRO_FLH) <= 0.02 * HYDRO_FLH


def test_load_mean_and_peak(data):
    _, d = data
    lp = d["load_pu"]
    assert abs(lp.mean() - 1.0) <= 1e-6  # 6-decimal CSV rounding
    assert abs(lp.max() / lp.mean() - PEAK_TO_MEAN) <= 0.02 * PEAK_TO_MEAN
    assert lp.min() > 0.0


def test_load_winter_peak_and_weekend(data):
    _, d = data
    lp, m, wd = d["load_pu"], d["month"], d["weekday"]
    winter = lp[(m == 12) | (m <= 2)].mean()
    spring = lp[(m >= 4) & (m <= 5)].mean()
    assert winter > spring
    assert lp[wd < 5].mean() > lp[wd >= 5].mean()


def test_heat(data):
    _, d = data
    mod = _load_module()
    season = mod.in_heating_season(d["month"].astype(int), d["day"].astype(int))
    assert season.sum() == 151 * 24  # 1 Nov - 31 Mar in a non-leap year
    assert np.all(d["heat_pu"][~season] == 0.0)
    assert np.all(d["heat_pu"][season] > 0.0)
    assert abs(d["heat_pu"].mean() - 1.0) <= 1e-5
    # explicit spot checks: 1 Apr 00:00 to 31 Oct 23:00 is zero
    assert np.all(d["heat_pu"][(d["month"] >= 4) & (d["month"] <= 10)] == 0.0)


def test_solar_zero_at_night(data):
    _, d = data
    hod = d["hour_of_day"]
    # midnight hours on a handful of days
    for day_index in (0, 80, 172, 266, 355):
        assert d["solar_cf"][day_index * 24] == 0.0
    # sun is always below the horizon at Taiyuan (UTC+8) for 21:00-05:00 local
    night = (hod >= 21) | (hod <= 4)
    assert np.all(d["solar_cf"][night] == 0.0)
    # and there is daytime output every day
    daily = d["solar_cf"].reshape(365, 24).sum(axis=1)
    assert np.all(daily > 0.0)


def test_module_constants_match_tests():
    mod = _load_module()
    assert mod.SOLAR_FLH_TARGET == SOLAR_FLH
    assert abs(mod.WIND_FLH_TARGET - WIND_FLH) < 1e-9
    assert abs(mod.LOAD_PEAK_TO_MEAN_TARGET - PEAK_TO_MEAN) < 1e-12
    assert abs(mod.HYDRO_FLH_TARGET - HYDRO_FLH) < 1e-9


def test_generator_deterministic_and_matches_csv(data, tmp_path):
    pytest.importorskip("pvlib", exc_type=ImportError)
    mod = _load_module()
    a = mod.generate()
    b = mod.generate()
    for c in COLUMNS:
        assert np.array_equal(a[c], b[c]), c
    out = tmp_path / "profiles.csv"
    mod.write_csv(a, out)
    assert out.read_bytes() == CSV_PATH.read_bytes()
