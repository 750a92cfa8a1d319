"""Generate the Shanxi (山西) reference-year hourly profiles for energysim.

Run from the repository root::

    python inputs/shanxi/scripts/make_profiles.py

This writes ``inputs/shanxi/hourly_profiles.csv``: 8,760 rows, with the columns
``hour,month,day,hour_of_day,weekday,solar_cf,wind_cf,load_pu,heat_pu,hydro_cf``.

Calendar and time
-----------------
Non-leap reference year on the 2019 calendar. 1 January is a **Tuesday**.
``weekday`` follows Python's convention: 0 = Monday ... 6 = Sunday, so row 0 has weekday 1.
Time is China Standard Time (UTC+8). ``hour_of_day`` h labels the interval
[h:00, h+1:00). Solar geometry is evaluated at the interval midpoint (h:30).
``hour`` is the 0-based hour of the year.

Location
--------
One point for every weather-driven column: Taiyuan (太原), 37.87 N, 112.55 E, about 780 m
above sea level. It is central Shanxi, and the capital has the cited climate and heating
statistics. It is not capacity-weighted: the wind and PV fleets sit mostly in the north
(Datong/Shuozhou/Xinzhou). The calibration to provincial full-load hours absorbs the
difference in level, but not in timing.

Method (source tags P01... are listed in SOURCES.md)
---------------------------------------------------
solar_cf
    pvlib (generator only) computes the solar position and the Ineichen clear-sky
    irradiance, with the Linke turbidity climatology that ships with pvlib (LinkeTurbidities.h5).
    A seeded daily clear-sky index k_d scales the clear-sky GHI.
    k_d = logistic(logit(K(doy)) + c + z_d),
    where K(doy) is a seasonal mean, lowest in late July (summer monsoon rain) and highest in
    winter, and z_d is a daily AR(1) term. Erbs decomposition turns GHI into DNI and DHI. Then
    isotropic plane-of-array irradiance on a fixed 35 deg south-facing tilt, the SAPM cell
    temperature (open rack, glass/polymer) using the synthetic air temperature below, the PVWatts DC
    model (gamma = -0.37 %/K), 14 % DC system losses, a 96 % inverter and DC/AC = 1.1 clipping.
    CF is per unit of DC capacity. The offset c is bisected so that the annual full-load
    hours = 1,277 h (P01).
wind_cf
    The monthly mean CF shape comes from NBS monthly Shanxi wind generation in 2015 and 2016 (P03).
    A fleet diurnal modulation is assumed (P04). Hourly variability comes from a seeded
    Gaussian AR(1) (phi = 0.97), mapped through a Gaussian copula to Weibull (k = 2.5) wind
    speeds, and then through a smoothed fleet power curve (3/11/25 m/s, averaged over a +-45 %
    spatial speed spread, fleet maximum 0.80, P04b).
    The Weibull scale is bisected month by month to match the monthly shape, interpolated smoothly,
    and then rescaled globally so that the annual full-load hours = 2,221 h (P02).
load_pu
    The raw shape is (1 + heating + cooling terms from the hourly temperature) x a 24-h
    weekday/weekend profile x a small seeded AR(1) noise. It is then stretched affinely about its
    mean, so that mean = 1 exactly and peak/mean equals the target 1.264 (P05).
heat_pu
    Zero outside the Taiyuan statutory heating season, 1 Nov - 31 Mar (P07). Inside it, the
    heating-degree demand is max(18 C - T_eff, 0) plus a constant 2 K-equivalent for network
    losses and hot water (P08). T_eff = 0.6 x hourly T + 0.4 x daily mean T, which stands in for
    building thermal inertia. The profile is normalised so that its 8,760-h mean = 1.
    Temperature: monthly means of Taiyuan (P06), interpolated through mid-month anchors, plus a
    diurnal cycle (+-5 K, maximum at 15:00) and a seeded daily AR(1) synoptic anomaly
    (sd 3 K, phi 0.75).
hydro_cf
    Conventional (non-pumped) hydro availability. The monthly shape comes from NBS monthly Shanxi
    hydro output in 2015-2016, after a flat pumped-storage estimate is subtracted (P09). It is
    interpolated daily and is flat within each day. It is scaled so that the annual full-load
    hours = (4.42 - 0.70) TWh / 1.03 GW = 3,612 h, capped at 1 (P10).
    NOTE: the NBS data show a winter/spring (Jan-Mar) maximum and a May-Aug minimum, not a
    summer wet-season shape. A plausible reading is regulated Yellow River operation (ice-flood
    season, summer sediment flushing), but that is not verified here.

Determinism: every random draw comes from numpy.random.default_rng(SeedSequence(SEED)), with
independent child streams per variable. Floats are written with 6 decimals. Running the script
twice produces byte-identical output.

pvlib is needed ONLY to run this generator (``pip install pvlib``; built with pvlib 0.16.1).
The model package only
reads the CSV. Other pvlib versions may change the last digits.
"""

from __future__ import annotations

import csv
import datetime as _dt
import os
import sys

import numpy as np

# ----------------------------------------------------------------------------- constants
SEED = 20200101
YEAR = 2019  # calendar only (non-leap, 1 Jan = Tuesday)
N_HOURS = 8760
LAT, LON, ALT = 37.87, 112.55, 780.0  # Taiyuan
TZ = "Etc/GMT-8"  # UTC+8 (POSIX sign convention)

COLUMNS = [
    "hour",
    "month",
    "day",
    "hour_of_day",
    "weekday",
    "solar_cf",
    "wind_cf",
    "load_pu",
    "heat_pu",
    "hydro_cf",
]

# Calibration targets
SOLAR_FLH_TARGET = 1277.0  # P01: CEC/NBS Shanxi PV utilisation hours 2020
WIND_FLH_TARGET = (2348 + 2045 + 2270) / 3.0  # P02: Shanxi wind utilisation hours 2021-2023 -> 2221
LOAD_PEAK_TO_MEAN_TARGET = 25.855 / (
    179.71804e3 / 8784.0
)  # P05: 2016 record grid load / 2016 avg load -> 1.2637
HYDRO_CONV_GWH = 4420.0 - 700.0  # P10: 2020 hydro incl. pumped minus Xilongchi PSH output
HYDRO_CONV_GW = 2.23 - 1.2  # P10: 2020 hydro capacity minus 1.2 GW pumped storage
HYDRO_FLH_TARGET = HYDRO_CONV_GWH / HYDRO_CONV_GW  # = 3611.7 h

# Heating season, Taiyuan statutory (P07): 1 Nov - 31 Mar (inclusive)
HEATING_SEASON_START = (11, 1)
HEATING_SEASON_END = (3, 31)
HEAT_BASE_TEMP_C = 18.0  # P08: statutory indoor design temperature 18 +- 2 C
HEAT_LOSS_OFFSET_K = 2.0  # assumption: network losses + domestic hot water

# P06: Taiyuan monthly mean air temperature (deg C), mean of the NBS China Statistical Yearbook
# tables "Monthly Average Temperature of Major Cities" for 2008 and 2009.
_T_2008 = [-5.5, -3.3, 7.1, 13.1, 18.9, 21.6, 24.9, 23.5, 17.8, 11.5, 3.9, -2.6]
_T_2009 = [-5.1, 1.5, 6.7, 14.9, 19.2, 24.5, 25.0, 22.4, 17.4, 12.2, -0.9, -4.5]
TAIYUAN_MONTHLY_T = [(a + b) / 2.0 for a, b in zip(_T_2008, _T_2009, strict=True)]

# P03 / P09: NBS monthly year-to-date output for Shanxi, unit 10^4 kWh, via CREA
# energyandcleanair/china_co2: inst/csv/power_generation_by_province_and_source.csv.
# NBS publishes Jan+Feb together (index 0 = Jan-Feb YTD, 1 = Mar YTD, ..., 10 = Dec YTD).
_WIND_YTD = {
    2015: [168404, 278100, 357700, 448900, 536767, 590979, 633586, 704140, 821762, 882624, 1000825],
    2016: [
        222906,
        352285,
        489648,
        624585,
        706704,
        791004,
        854546,
        925846,
        1048733,
        1225132,
        1353059,
    ],
}
_HYDRO_YTD = {  # includes pumped storage (Xilongchi, 1.2 GW)
    2015: [71100, 106800, 127000, 135000, 151000, 167000, 180000, 196000, 220034, 245281, 277411],
    2016: [65000, 107000, 133000, 153000, 168000, 201000, 219000, 258000, 299000, 326000, 353000],
}
PSH_GWH_PER_YEAR = 700.0  # P10: Xilongchi generated >700 GWh (2021); assumed flat over the year

# P04 (assumption): fleet wind diurnal modulation, maximum near 22:00, minimum near 10:00
WIND_DIURNAL_AMPLITUDE = 0.10
WIND_DIURNAL_PEAK_HOUR = 22.0
WIND_WEIBULL_K = 2.5  # assumption: fleet-aggregate speed distribution shape

# P04b (assumption): fleet output never exceeds 80 % of capacity (availability, wake and
# electrical losses, geographic diversity). The Shanxi record of 19.28 GW (18 Mar 2024) was about
# 0.74 of the roughly 26 GW installed.
WIND_FLEET_MAX_CF = 0.80

# PV system (assumption, P11)
PV_TILT, PV_AZIMUTH = 35.0, 180.0
PV_GAMMA = -0.0037
PV_DC_LOSSES = 0.14
PV_INV_EFF = 0.96
PV_DC_AC_RATIO = 1.1
SOLAR_SEASONAL_AMPLITUDE = 0.15  # P12: clear-sky-index dip at summer monsoon peak
SOLAR_K_WINTER = 0.80


# ----------------------------------------------------------------------------- calendar
def calendar():
    """Return (month, day, hour_of_day, weekday, day_of_year) integer arrays for the year."""
    start = _dt.datetime(YEAR, 1, 1)
    month = np.empty(N_HOURS, dtype=int)
    day = np.empty(N_HOURS, dtype=int)
    hod = np.empty(N_HOURS, dtype=int)
    wd = np.empty(N_HOURS, dtype=int)
    doy = np.empty(N_HOURS, dtype=int)
    for i in range(N_HOURS):
        t = start + _dt.timedelta(hours=i)
        month[i], day[i], hod[i], wd[i] = t.month, t.day, t.hour, t.weekday()
        doy[i] = t.timetuple().tm_yday
    return month, day, hod, wd, doy


def in_heating_season(month, day):
    """Return a boolean mask for the heating season (inclusive), which wraps around the new year."""
    month = np.asarray(month)
    day = np.asarray(day)
    sm, sd = HEATING_SEASON_START
    em, ed = HEATING_SEASON_END
    after_start = (month > sm) | ((month == sm) & (day >= sd))
    before_end = (month < em) | ((month == em) & (day <= ed))
    return after_start | before_end


def _mid_month_interp(monthly_values, doy):
    """Cyclic piecewise-linear interpolation of 12 monthly values anchored at mid-month."""
    mids = np.array(
        [15.5, 45.0, 74.5, 105.0, 135.5, 166.0, 196.5, 227.5, 258.0, 288.5, 319.0, 349.5]
    )
    vals = np.asarray(monthly_values, dtype=float)
    x = np.concatenate([mids - 365.0, mids, mids + 365.0])
    y = np.concatenate([vals, vals, vals])
    return np.interp(np.asarray(doy, dtype=float), x, y)


def _monthly_from_ytd(ytd_by_year, subtract_per_day=0.0):
    """Turn NBS YTD series into 12 relative monthly daily-average factors (annual = 1).

    The factors are averaged over the years given.
    """
    rel_all = []
    for year, ytd in ytd_by_year.items():
        leap = year % 4 == 0
        dim = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        inc = np.diff(np.concatenate([[0.0], np.asarray(ytd, dtype=float)]))  # JanFeb, Mar..Dec
        per_day = np.empty(12)
        per_day[0] = per_day[1] = inc[0] / (dim[0] + dim[1])
        per_day[2:] = inc[1:] / np.asarray(dim[2:], dtype=float)
        per_day = np.maximum(per_day - subtract_per_day, 0.02 * per_day.mean())
        annual_per_day = np.sum(per_day * np.asarray(dim)) / sum(dim)
        rel_all.append(per_day / annual_per_day)
    return np.mean(rel_all, axis=0)


def _ar1(rng, n, phi, sigma):
    """Stationary AR(1) with marginal standard deviation sigma."""
    e = rng.standard_normal(n)
    x = np.empty(n)
    x[0] = e[0] * sigma
    s = sigma * np.sqrt(1.0 - phi * phi)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + s * e[i]
    return x


def _bisect(f, lo, hi, target, tol=1e-10, it=200):
    """Solve f(x) = target for a monotone increasing f on [lo, hi]."""
    flo = f(lo) - target
    for _ in range(it):
        mid = 0.5 * (lo + hi)
        fm = f(mid) - target
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
        if hi - lo < tol:
            break
    return 0.5 * (lo + hi)


# ----------------------------------------------------------------------------- temperature
def temperature(doy, hod, rng):
    """Hourly synthetic air temperature (deg C) and its daily mean at Taiyuan."""
    t_clim = _mid_month_interp(TAIYUAN_MONTHLY_T, doy + (hod + 0.5) / 24.0 - 1.0)
    day_idx = doy - 1
    synoptic = _ar1(rng, 365, 0.75, 3.0)[day_idx]
    diurnal = 5.0 * np.cos(2.0 * np.pi * (hod + 0.5 - 15.0) / 24.0)
    t = t_clim + synoptic + diurnal
    t_daily = np.bincount(day_idx, weights=t, minlength=365) / 24.0
    return t, t_daily[day_idx]


# ----------------------------------------------------------------------------- solar
def solar_cf(doy, temp_air, rng):
    """PV capacity factor (per unit DC) calibrated to SOLAR_FLH_TARGET. Requires pvlib."""
    import pandas as pd
    import pvlib

    times = pd.date_range(f"{YEAR}-01-01 00:30", periods=N_HOURS, freq="h", tz=TZ)
    loc = pvlib.location.Location(LAT, LON, tz=TZ, altitude=ALT, name="Taiyuan")
    sp = loc.get_solarposition(times)
    cs = loc.get_clearsky(
        times, model="ineichen", solar_position=sp
    )  # Linke turbidity from bundled climatology
    zen = sp["apparent_zenith"].to_numpy()
    azi = sp["azimuth"].to_numpy()
    ghi_cs = cs["ghi"].to_numpy()
    dni_extra = pvlib.irradiance.get_extra_radiation(times).to_numpy()
    sun_up = zen < 90.0

    # Seasonal mean clear-sky index: lowest near doy 205 (late-July rains), highest in winter
    d = np.arange(1, 366)
    k_season = SOLAR_K_WINTER - SOLAR_SEASONAL_AMPLITUDE * 0.5 * (
        1.0 + np.cos(2.0 * np.pi * (d - 205) / 365.0)
    )
    z = _ar1(rng, 365, 0.5, 0.9)  # daily weather persistence in logit space
    logit_k = np.log(k_season / (1.0 - k_season)) + z

    tilt, az = PV_TILT, PV_AZIMUTH
    doy_arr = np.asarray(doy, dtype=int)

    def simulate(c):
        kd = 1.0 / (1.0 + np.exp(-(logit_k + c)))
        ghi = np.where(sun_up, ghi_cs * kd[doy - 1], 0.0)
        dec = pvlib.irradiance.erbs(ghi, zen, doy_arr)
        dni = np.nan_to_num(np.asarray(dec["dni"], dtype=float))
        dhi = np.nan_to_num(np.asarray(dec["dhi"], dtype=float))
        poa = pvlib.irradiance.get_total_irradiance(
            tilt, az, zen, azi, dni, ghi, dhi, dni_extra=dni_extra, model="isotropic", albedo=0.2
        )
        poa_g = np.nan_to_num(np.asarray(poa["poa_global"], dtype=float))
        poa_g = np.where(sun_up, np.maximum(poa_g, 0.0), 0.0)
        tp = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"]
        tcell = pvlib.temperature.sapm_cell(poa_g, temp_air, 2.0, **tp)
        pdc = pvlib.pvsystem.pvwatts_dc(poa_g, tcell, 1.0, PV_GAMMA)
        pdc = np.asarray(pdc, dtype=float) * (1.0 - PV_DC_LOSSES)
        pac = np.minimum(np.maximum(pdc * PV_INV_EFF, 0.0), 1.0 / PV_DC_AC_RATIO)
        return np.where(sun_up, np.clip(pac, 0.0, 1.0), 0.0)

    c = _bisect(lambda x: simulate(x).sum(), -6.0, 6.0, SOLAR_FLH_TARGET)
    return simulate(c)


# ----------------------------------------------------------------------------- wind
def _fleet_power_curve(v):
    """Smoothed fleet power curve (per unit).

    Cut-in 3, rated 11, cut-out 25 m/s, spatial speed spread +-45 %.
    """
    out = np.zeros_like(v)
    spread = np.linspace(-0.45, 0.45, 10)
    for s in spread:
        u = v * (1.0 + s)
        p = np.clip((u**3 - 27.0) / (11.0**3 - 27.0), 0.0, 1.0)
        p = np.where(u >= 25.0, 0.0, p)
        out += p
    return out / len(spread) * WIND_FLEET_MAX_CF


def wind_cf(doy, hod, month, rng):
    """Fleet wind CF calibrated to NBS monthly shape and WIND_FLH_TARGET."""
    x = _ar1(rng, N_HOURS, 0.97, 1.0)
    # Gaussian copula -> uniform -> Weibull(k=2) standard variate
    u = 0.5 * (1.0 + _erf_vec(x / np.sqrt(2.0)))
    u = np.clip(u, 1e-12, 1.0 - 1e-12)
    w = (-np.log(1.0 - u)) ** (1.0 / WIND_WEIBULL_K)
    diurnal = 1.0 + WIND_DIURNAL_AMPLITUDE * np.cos(
        2.0 * np.pi * (hod + 0.5 - WIND_DIURNAL_PEAK_HOUR) / 24.0
    )
    base = w * diurnal

    rel = _monthly_from_ytd(_WIND_YTD)
    target_cf_month = WIND_FLH_TARGET / N_HOURS * rel
    scales = np.empty(12)
    for m in range(12):
        sel = month == m + 1
        b = base[sel]
        scales[m] = _bisect(
            lambda lam, b=b: _fleet_power_curve(lam * b).mean(), 0.5, 40.0, target_cf_month[m]
        )
    # Smooth interpolation blurs the monthly means; use a damped fixed-point correction so the
    # interpolated scale still reproduces the NBS monthly shape.
    t_frac = doy + (hod + 0.5) / 24.0 - 1.0
    for _ in range(60):
        lam_t = _mid_month_interp(scales, t_frac)
        cf = _fleet_power_curve(lam_t * base)
        achieved = np.array([cf[month == m + 1].mean() for m in range(12)])
        scales = scales * (target_cf_month / achieved) ** 0.5
    lam_t = _mid_month_interp(scales, t_frac)
    g = _bisect(lambda k: _fleet_power_curve(k * lam_t * base).sum(), 0.3, 3.0, WIND_FLH_TARGET)
    return np.clip(_fleet_power_curve(g * lam_t * base), 0.0, 1.0)


def _erf_vec(x):
    """Vectorised erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7); avoids scipy."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (
        ((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592
    ) * t * np.exp(-a * a)
    return sign * y


# ----------------------------------------------------------------------------- load
# Assumed 24-h shape (P13): night trough, morning peak 10-11 h, midday dip, evening peak 18-20 h
_LOAD_HOURLY = np.array(
    [
        0.90,
        0.88,
        0.87,
        0.86,
        0.87,
        0.90,
        0.95,
        0.99,
        1.03,
        1.06,
        1.08,
        1.07,
        1.03,
        1.02,
        1.04,
        1.05,
        1.06,
        1.09,
        1.12,
        1.11,
        1.07,
        1.02,
        0.97,
        0.93,
    ]
)
LOAD_WEEKEND_FACTOR = 0.96  # P13: small weekend dip (heavy-industry-dominated demand)
LOAD_HDD_COEF = 0.010  # per K below 14 C (daily mean), electric heating / heat pumps
LOAD_CDD_COEF = 0.020  # per K above 24 C (hourly), air-conditioning


def load_pu(t_hourly, t_daily, hod, wd, rng):
    """Return the load shape with mean 1 and peak/mean = LOAD_PEAK_TO_MEAN_TARGET."""
    hdd = np.maximum(14.0 - t_daily, 0.0)
    cdd = np.maximum(t_hourly - 24.0, 0.0)
    diurnal = _LOAD_HOURLY[hod] / _LOAD_HOURLY.mean()
    weekend = np.where(wd >= 5, LOAD_WEEKEND_FACTOR, 1.0)
    noise = 1.0 + _ar1(rng, N_HOURS, 0.9, 0.015)
    raw = (1.0 + LOAD_HDD_COEF * hdd + LOAD_CDD_COEF * cdd) * diurnal * weekend * noise
    r = raw / raw.mean()
    alpha = (LOAD_PEAK_TO_MEAN_TARGET - 1.0) / (r.max() - 1.0)
    out = 1.0 + alpha * (r - 1.0)
    return out / out.mean()


# ----------------------------------------------------------------------------- heat
def heat_pu(t_hourly, t_daily, month, day):
    season = in_heating_season(month, day)
    t_eff = 0.6 * t_hourly + 0.4 * t_daily
    demand = np.where(season, np.maximum(HEAT_BASE_TEMP_C - t_eff, 0.0) + HEAT_LOSS_OFFSET_K, 0.0)
    return demand / demand.mean()


# ----------------------------------------------------------------------------- hydro
def hydro_cf(doy, hod):
    psh_per_day = (
        PSH_GWH_PER_YEAR / 365.0 * 100.0
    )  # GWh/day -> 10^4 kWh/day (1 GWh = 100 x 10^4 kWh)
    rel = _monthly_from_ytd(_HYDRO_YTD, subtract_per_day=psh_per_day)
    shape = _mid_month_interp(rel, doy + (hod + 0.5) / 24.0 - 1.0)
    # scale with cap at 1 (iterate so the capped series still meets the FLH)
    s = _bisect(lambda k: np.minimum(k * shape, 1.0).sum(), 0.0, 10.0, HYDRO_FLH_TARGET)
    return np.minimum(s * shape, 1.0)


# ----------------------------------------------------------------------------- assemble
def generate():
    """Return a dict of column -> numpy array (deterministic)."""
    month, day, hod, wd, doy = calendar()
    ss = np.random.SeedSequence(SEED)
    rng_temp, rng_solar, rng_wind, rng_load = [np.random.default_rng(s) for s in ss.spawn(4)]
    t_h, t_d = temperature(doy, hod, rng_temp)
    cols = {
        "hour": np.arange(N_HOURS),
        "month": month,
        "day": day,
        "hour_of_day": hod,
        "weekday": wd,
        "solar_cf": solar_cf(doy, t_h, rng_solar),
        "wind_cf": wind_cf(doy, hod, month, rng_wind),
        "load_pu": load_pu(t_h, t_d, hod, wd, rng_load),
        "heat_pu": heat_pu(t_h, t_d, month, day),
        "hydro_cf": hydro_cf(doy, hod),
    }
    return cols


def write_csv(cols, path):
    int_cols = {"hour", "month", "day", "hour_of_day", "weekday"}
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for i in range(N_HOURS):
            w.writerow(
                [
                    str(int(cols[c][i])) if c in int_cols else f"{float(cols[c][i]):.6f}"
                    for c in COLUMNS
                ]
            )


def summary(cols):
    lp = cols["load_pu"]
    return {
        "solar_flh": float(cols["solar_cf"].sum()),
        "wind_flh": float(cols["wind_cf"].sum()),
        "hydro_flh": float(cols["hydro_cf"].sum()),
        "load_mean": float(lp.mean()),
        "load_peak_to_mean": float(lp.max() / lp.mean()),
        "heat_mean": float(cols["heat_pu"].mean()),
        "wind_cf_max": float(cols["wind_cf"].max()),
        "solar_cf_max": float(cols["solar_cf"].max()),
        "hydro_cf_max": float(cols["hydro_cf"].max()),
    }


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(os.path.dirname(here), "hourly_profiles.csv")
    cols = generate()
    write_csv(cols, out)
    for k, v in summary(cols).items():
        print(f"{k:>20s}: {v:.6f}")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
