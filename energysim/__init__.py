"""energysim: scenario engine for the energy transition of Shanxi (山西)."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`energysim.__version__`, read from the installed metadata when first asked for (the
    metadata lookup costs ~0.1 s, which `energysim --help` should not pay)."""
    if name != "__version__":
        raise AttributeError(f"module 'energysim' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("energysim")
    except PackageNotFoundError:  # running from a source tree that was not installed
        found = "0.0.0+unknown"
    globals()["__version__"] = found
    return found
