"""The scenario file's schema: pydantic models that reject unknown keys and cannot be mutated.

Units are part of the field names' documentation and of the JSON Schema that `energysim schema`
prints, so an editor shows them while a planner types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

BASE_YEAR = 2020
LAST_YEAR = 2060
DEFAULT_REPRESENTATIVE_DAYS = 24


def _not_boolean(value: object) -> object:
    """YAML reads true/false/yes/no/on/off as booleans, which pydantic would take as 1 and 0:
    `days: yes` would silently be one representative day."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not a boolean")
    return value


Number = Annotated[float, BeforeValidator(_not_boolean)]
Integer = Annotated[int, BeforeValidator(_not_boolean)]
Year = Annotated[Integer, Field(ge=BASE_YEAR, le=LAST_YEAR, description="calendar year 2020-2060")]
# Every number is finite (Strict refuses inf and NaN) and below LARGEST: no quantity of a
# scenario comes near it, and a bigger one (1e308) is a stand-in for "unlimited" that reaches
# HiGHS as its infinity and fails there, after the build, with "HiGHS: unknown".
LARGEST = 1e9
Share = Annotated[Number, Field(ge=0.0, le=1.0, description="fraction in [0, 1]")]
NonNegative = Annotated[Number, Field(ge=0.0, le=LARGEST)]
# Multipliers of an input for sweeps: never negative, at most 100 times the input.
Multiplier = Annotated[Number, Field(ge=0.0, le=100.0)]
MAX_NAME = 100  # the name becomes file names (results/NAME.nc, NAME-sweep.nc, NAME.log)


class Strict(BaseModel):
    """Base of every scenario model: unknown keys are errors and instances are frozen."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )


class Band(Strict):
    """A lower and/or upper bound on a yearly quantity."""

    min: NonNegative | None = None
    max: NonNegative | None = None

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Band:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min > max (got min={self.min:g}, max={self.max:g}; need min <= max)")
        return self


class ElectricityShareTarget(Strict):
    """Minimum share of electricity in final energy consumption, with its accounting method.

    `calorific` (电热当量法) counts electricity at 0.1229 kgce/kWh; `coal_equivalent` (发电煤耗法)
    at the thermal fleet's average supply coal consumption. Both are always reported.
    """

    method: Literal["calorific", "coal_equivalent"] = "calorific"
    min: dict[Year, Share] = Field(default_factory=dict)


class CO2Budget(Strict):
    """Cumulative CO2 emitted from `start` to `end` (both model years, inclusive), Mt CO2."""

    start: Year = BASE_YEAR
    end: Year = LAST_YEAR
    max: NonNegative = Field(description="Mt CO2")

    @model_validator(mode="after")
    def _start_before_end(self) -> CO2Budget:
        if self.start >= self.end:
            raise ValueError(f"start must be before end (got start={self.start}, end={self.end})")
        return self


class Targets(Strict):
    """Policy targets per model year. Every target is a constraint of the model."""

    coal_output: dict[Year, Band] = Field(
        default_factory=dict, description="raw coal output band, Mt/yr"
    )
    cbm_output_min: dict[Year, NonNegative] = Field(
        default_factory=dict, description="minimum CBM and unconventional gas output, bcm/yr"
    )
    export_capacity: dict[Year, Band] = Field(
        default_factory=dict, description="power export capability band, GW"
    )
    electricity_share_final: ElectricityShareTarget | None = None
    non_fossil_share_min: dict[Year, Share] = Field(
        default_factory=dict, description="minimum non-fossil share of primary energy"
    )
    co2_peak_year: Year | None = Field(
        default=None, description="from this year on, annual CO2 does not rise"
    )
    co2_cap: dict[Year, NonNegative] = Field(
        default_factory=dict, description="annual CO2 cap, Mt CO2"
    )
    co2_budget: CO2Budget | None = None
    wind_solar_capacity_min: dict[Year, NonNegative] = Field(
        default_factory=dict, description="minimum standing wind and solar capacity, GW"
    )
    clean_capacity_share_min: dict[Year, Share] = Field(
        default_factory=dict,
        description="minimum share of new and clean energy (all but coal power) in capacity",
    )


class CarbonPolicy(Strict):
    """Carbon price on territorial CO2, CNY per t CO2, interpolated between the years given."""

    price: dict[Year, NonNegative] = Field(default_factory=dict, description="CNY/t CO2")


class Economics(Strict):
    discount_rate: Number = Field(0.06, ge=0.0, le=0.3, description="real discount rate, 1/yr")
    price_year: Integer = Field(2020, ge=2000, le=2060)
    currency: Literal["CNY"] = "CNY"


class TimeResolution(Strict):
    """Time slices within a year.

    `seasonal_hours`: 4 seasons x 24 hours averaged from the hourly profiles (96 slices).
    `hourly`: all 8,760 hours. `representative_days`: k typical days (`days`, default 24: the
    README's accuracy table shows 24 days within 3 % of the hourly objective), each day's hours
    optionally grouped into `segments` chronological segments.
    """

    resolution: Literal["seasonal_hours", "hourly", "representative_days"] = "seasonal_hours"
    days: Integer | None = Field(
        None,
        ge=1,
        le=365,
        description=f"number of representative days (default {DEFAULT_REPRESENTATIVE_DAYS})",
    )
    segments: Integer | None = Field(
        None,
        ge=1,
        le=24,
        description="chronological segments of varying length each representative day's hours "
        "are grouped into (time-series segmentation; default 24, the hours themselves)",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_days(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("resolution") == "representative_days":
            return {"days": DEFAULT_REPRESENTATIVE_DAYS, **data}
        return data

    @model_validator(mode="after")
    def _days_with_representative(self) -> TimeResolution:
        if self.resolution != "representative_days" and self.days is not None:
            raise ValueError("`days` is only used with resolution representative_days")
        if self.resolution != "representative_days" and self.segments is not None:
            raise ValueError("`segments` is only used with resolution representative_days")
        return self


UncertainParameter = Literal[
    "demand_growth",
    "coal_price",
    "gas_price",
    "capex_wind",
    "capex_solar",
    "capex_battery",
    "wind_yield",
    "solar_yield",
    "export_demand",
    "coal_shipped_out",
    "gas_resource",
]


class Normal(Strict):
    """A normal multiplier; its mean must be at least 5 sd so no sample goes negative (the
    design reaches about 4.4 sd at 100,000 samples); wider spreads: use lognormal."""

    distribution: Literal["normal"]
    mean: Multiplier
    sd: Number = Field(gt=0, le=100.0)

    @model_validator(mode="after")
    def _stays_positive(self) -> Normal:
        if self.mean < 5 * self.sd:
            raise ValueError(
                f"mean must be at least 5 sd, or samples go negative (got mean={self.mean:g}, "
                f"sd={self.sd:g}); use a lognormal for a wider spread"
            )
        return self


class LogNormal(Strict):
    """Log-normal with the given median and log-space standard deviation."""

    distribution: Literal["lognormal"]
    median: Number = Field(gt=0, le=100.0)
    sigma: Number = Field(gt=0, le=2.0)


class Uniform(Strict):
    distribution: Literal["uniform"]
    low: Multiplier
    high: Multiplier

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low >= self.high:
            raise ValueError(f"low must be below high (got low={self.low:g}, high={self.high:g})")
        return self


class Triangular(Strict):
    distribution: Literal["triangular"]
    low: Multiplier
    mode: Multiplier
    high: Multiplier

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(
                f"need low <= mode <= high and low < high "
                f"(got {self.low:g}, {self.mode:g}, {self.high:g})"
            )
        return self


class Choice(Strict):
    distribution: Literal["choice"]
    values: list[Multiplier] = Field(min_length=1)
    weights: list[NonNegative] | None = None

    @model_validator(mode="after")
    def _weights_match(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError("weights must have one entry per value")
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be zero")
        return self


Distribution = Annotated[
    Normal | LogNormal | Uniform | Triangular | Choice, Field(discriminator="distribution")
]


class RankCorrelation(Strict):
    between: tuple[UncertainParameter, UncertainParameter]
    rho: Number = Field(ge=-1.0, le=1.0)


class Uncertainty(Strict):
    """Uncertain parameters for sweeps; each value multiplies or replaces its input (see docs)."""

    sampler: Literal["latin_hypercube", "sobol"] = "latin_hypercube"
    parameters: dict[UncertainParameter, Distribution] = Field(default_factory=dict)
    rank_correlations: list[RankCorrelation] = Field(default_factory=list)


class Solver(Strict):
    """HiGHS settings; recorded in every results file."""

    time_limit: Number | None = Field(600.0, gt=0, le=LARGEST, description="seconds")
    # ipm: HiGHS's pick of its interior point codes (HiPO when installed); ipx, hipo: that one
    method: Literal["choose", "simplex", "ipm", "ipx", "hipo", "pdlp"] = "choose"
    presolve: bool = True
    # myopic: simplex starts from the basis of the myopic windows (one model year each), which
    # reaches the same perfect-foresight optimum in a fraction of the iterations; choose: so
    # from 2 model years when the method is choose or simplex; cold: never.
    start: Literal["choose", "cold", "myopic"] = "choose"
    threads: Integer | None = Field(None, ge=1)
    options: dict[str, bool | int | float | str] = Field(
        default_factory=dict,
        description="further HiGHS options, checked against HiGHS: an unknown name or a value "
        'HiGHS rejects is an error; yes/no/on/off become HiGHS\'s "on"/"off" for its '
        "string switches (run_crossover, presolve, parallel)",
    )

    @model_validator(mode="before")
    @classmethod
    def _highs_accepts_options(cls, data: object) -> object:
        """Each option normalised to what HiGHS takes (solve/options.py); each one HiGHS
        refuses is an error located at its key."""
        options = data.get("options") if isinstance(data, dict) else None
        if not isinstance(options, dict) or not options:
            return data
        from energysim.solve.options import HighsOptionError, normalise

        checked, errors = {}, []
        for name, value in options.items():
            if not isinstance(name, str) or not isinstance(value, bool | int | float | str):
                checked[name] = value  # the field's own validation reports the type
                continue
            try:
                checked[name] = normalise(name, value)
            except HighsOptionError as err:
                kind = PydanticCustomError("highs_option", "{message}", {"message": str(err)})
                errors.append(InitErrorDetails(type=kind, loc=("options", name), input=value))
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return {**data, "options": checked}

    @model_validator(mode="after")
    def _start_needs_simplex(self) -> Solver:
        if self.start == "myopic" and self.method not in ("choose", "simplex"):
            raise ValueError(f"start: myopic gives simplex a basis; method {self.method} has none")
        return self


class Foresight(Strict):
    """What the planner knows of the future when deciding investments.

    `perfect`: one LP over all model years. `myopic`: the years are solved in consecutive
    windows of `window` model years, earliest first; each window's decisions (new capacity,
    corridor expansion, dispatch) are fixed before the next window is solved, and a
    constraint joins the window of the latest year it involves (solve/foresight.py).
    """

    mode: Literal["perfect", "myopic"] = "perfect"
    window: Integer | None = Field(
        None, ge=1, description="model years per window (myopic; default 1)"
    )

    @model_validator(mode="after")
    def _window_with_myopic(self) -> Foresight:
        if self.mode == "perfect" and self.window is not None:
            raise ValueError("`window` is only used with mode myopic")
        return self

    @property
    def years_per_window(self) -> int:
        return self.window or 1


class ModelOptions(Strict):
    pin_base_year: bool = Field(
        True, description="fix the base year to the 2020 statistics in the inputs (no investment)"
    )
    value_of_lost_load: Number = Field(
        30000.0, gt=0, le=LARGEST, description="cost of unserved electricity, CNY/MWh"
    )


# Penalty per unit of violation in stress mode, in CNY per unit of the target's quantity. The
# defaults sit one to two orders of magnitude above the marginal costs the model sees for each
# quantity (coal 0.3-0.9 kCNY/t, gas 1-3 CNY/m3, corridors ~0.4 kCNY/kW/yr annualised, carbon
# prices up to a few hundred CNY/t), so a target that can hold does hold, and one that cannot
# is missed by the least it must be (assumption; change them per target to weigh priorities).
DEFAULT_PENALTIES = {
    "coal_output": 10_000.0,  # CNY per t raw coal
    "cbm_output_min": 50.0,  # CNY per m3
    "export_capacity": 50_000.0,  # CNY per kW and year
    "electricity_share_final": 20_000.0,  # CNY per tce of electricity short of the share
    "non_fossil_share_min": 20_000.0,  # CNY per tce of non-fossil energy short of the share
    "co2_peak_year": 5_000.0,  # CNY per t CO2 above the previous model year
    "co2_cap": 5_000.0,  # CNY per t CO2 above the cap
    "co2_budget": 5_000.0,  # CNY per t CO2 above the budget
    "wind_solar_capacity_min": 50_000.0,  # CNY per kW and year short of the target
    "clean_capacity_share_min": 50_000.0,  # CNY per kW of clean capacity short of the share
}
TargetName = Literal[
    "coal_output",
    "cbm_output_min",
    "export_capacity",
    "electricity_share_final",
    "non_fossil_share_min",
    "co2_peak_year",
    "co2_cap",
    "co2_budget",
    "wind_solar_capacity_min",
    "clean_capacity_share_min",
]


class Stress(Strict):
    """Stress mode: every target becomes soft, with a penalty per unit of violation.

    Penalties are CNY per unit of the target's quantity (t coal, m3 gas, kW of corridor per
    year, tce for the shares, t CO2), discounted like the costs of the year they fall in.
    """

    enabled: bool = False
    penalty: dict[TargetName, Number] = Field(
        default_factory=dict,
        description="CNY per unit of violation, per target; defaults in DEFAULT_PENALTIES",
    )

    @model_validator(mode="after")
    def _positive(self) -> Stress:
        bad = {k: v for k, v in self.penalty.items() if not 0 < v <= LARGEST}
        if bad:
            raise ValueError(f"penalties must be > 0 and at most {LARGEST:g} (got {bad})")
        return self

    def penalty_of(self, target: str) -> float:
        return self.penalty.get(target, DEFAULT_PENALTIES[target])


HistoryQuantity = Literal[
    "electricity_consumption",
    "electricity_exported",
    "raw_coal_output",
    "coal_shipped_out",
    "coal_price",
    "gas_output",
    "capacity_total",
    "capacity_thermal",
    "capacity_coal",
    "capacity_wind",
    "capacity_solar",
    "capacity_wind_solar",
    "capacity_hydro",
    "capacity_renewables",
    "capacity_new_and_clean",
]
BACKCAST_GIVENS: tuple[str, ...] = (
    "electricity_consumption",
    "electricity_exported",
    "raw_coal_output",
    "coal_shipped_out",
    "coal_price",
)


class History(Strict):
    """Quantities held to the statistics of `history.csv` in every model year up to `until`.

    A year without a statistic for a quantity is left to the model (the results attrs list
    exactly what was fixed). `coal_price` replaces the inputs' coal price by the delivered
    price of the year; the others are equality constraints on model quantities (capacity_*:
    the standing capacity of a technology group as the statistics define it).
    """

    until: Year = Field(description="last model year held to history")
    fix: list[HistoryQuantity] = Field(
        default_factory=lambda: list(BACKCAST_GIVENS),
        description="quantities held to the statistics (default: what a back-cast takes as given)",
    )


class Scenario(Strict):
    """A scenario: what to model (inputs, years, resolution) and which policy targets hold."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=MAX_NAME)
    description: str = ""
    inputs: Path = Field(description="inputs folder, relative to the file that states it")
    years: list[Year] = Field(min_length=1, description="model years, base year 2020 first")
    time: TimeResolution = TimeResolution()
    economics: Economics = Economics()
    targets: Targets = Targets()
    carbon_policy: CarbonPolicy = CarbonPolicy()
    uncertainty: Uncertainty | None = None
    solver: Solver = Solver()
    foresight: Foresight = Foresight()
    model: ModelOptions = ModelOptions()
    stress: Stress = Stress()
    history: History | None = None

    # Where each key was written (file, line, column), kept by the loader so that problems
    # found after validation (pre-solve screening) point at the line a planner has to edit.
    _positions: dict = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        # Where the keys were written does not make two scenarios different.
        return isinstance(other, Scenario) and self.model_dump() == other.model_dump()

    __hash__ = Strict.__hash__
