"""HiGHS options checked against HiGHS itself: names, types and values.

YAML reads `off`, `on`, `yes`, `no` as booleans, but most of HiGHS's switches are strings with
the values "on", "off" and "choose" (`run_crossover`, `presolve`, `parallel`); HiGHS rejects a
boolean for them and, if the return status of `setOptionValue` is ignored, keeps its default.
`normalise` maps a boolean onto "on"/"off" for string options, an integral float onto an int
for integer options, and then sets the value on a scratch HiGHS instance: an unknown name or a
value HiGHS rejects is an error naming the option, so a scenario file can be told where.

highspy is imported when the first option is checked, not when this module is imported.
"""

from __future__ import annotations

import difflib
import os
import sys
from functools import cache
from typing import Any

OptionValue = bool | int | float | str


class HighsOptionError(ValueError):
    """HiGHS does not know an option or rejects its value."""

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(message)


@cache
def _scratch() -> Any:
    """A HiGHS instance for checking options; HiGHS's banner (printed by the first instance of
    a process, before output can be switched off) goes to /dev/null, not into `validate`."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    return highs


@cache
def option_names() -> tuple[str, ...]:
    """Every option name this HiGHS build knows."""
    options = _scratch().getOptions()
    return tuple(sorted(n for n in dir(options) if not n.startswith("_")))


def normalise(name: str, value: OptionValue) -> OptionValue:
    """The value HiGHS accepts for option `name`, or HighsOptionError saying why there is none.

    bool -> "on"/"off" for string options; "on"/"off"/"true"/"false" -> bool for boolean options;
    integral float -> int for integer options; int -> float for double options.
    """
    import highspy

    highs = _scratch()
    status, kind = highs.getOptionType(name)
    if status != highspy.HighsStatus.kOk:
        close = difflib.get_close_matches(name, option_names(), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise HighsOptionError(name, f"HiGHS {_version()} has no option {name!r}{hint}")
    types = highspy.HighsOptionType
    if kind == types.kString and isinstance(value, bool):
        value = "on" if value else "off"
    elif kind == types.kBool and isinstance(value, str):
        value = {"on": True, "true": True, "off": False, "false": False}.get(value.lower(), value)
    elif kind == types.kInt and isinstance(value, float) and value.is_integer():
        value = int(value)
    elif kind == types.kDouble and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    default = highs.getOptionValue(name)[1]
    try:
        accepted = highs.setOptionValue(name, value) == highspy.HighsStatus.kOk
    except TypeError:  # highspy refuses the Python type before HiGHS sees it
        accepted = False
    finally:
        highs.setOptionValue(name, default)
    if not accepted:
        raise HighsOptionError(
            name, f"HiGHS {_version()} rejects this value ({_KIND[int(kind)]} option)"
        )
    return value


def normalise_all(options: dict[str, OptionValue]) -> dict[str, OptionValue]:
    """Every option normalised; HighsOptionError for the first one HiGHS cannot take."""
    return {name: normalise(name, value) for name, value in options.items()}


def apply(highs: Any, options: dict[str, OptionValue]) -> None:
    """Set `options` on a HiGHS instance, checking every status (HighsOptionError if rejected)."""
    import highspy

    for name, value in options.items():
        value = normalise(name, value)
        if highs.setOptionValue(name, value) != highspy.HighsStatus.kOk:
            raise HighsOptionError(name, f"HiGHS rejects {name} = {value!r}")


@cache
def hipo_available() -> bool:
    """Whether this HiGHS build can run HiPO (the highspy-extras package is installed)."""
    import highspy

    highs = _scratch()
    available = highs.setOptionValue("solver", "hipo") == highspy.HighsStatus.kOk
    highs.setOptionValue("solver", "choose")
    return available


_KIND = {0: "a boolean", 1: "an integer", 2: "a floating-point", 3: "a string"}


@cache
def _version() -> str:
    highs = _scratch()
    return f"{highs.versionMajor()}.{highs.versionMinor()}.{highs.versionPatch()}"
