"""energysim: scenario engine for the energy transition of Shanxi (山西)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("energysim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
