"""Scenario files: schema, loading with precise errors, cross-field checks."""

from energysim.scenario.load import load_scenario
from energysim.scenario.schema import Scenario

__all__ = ["Scenario", "load_scenario"]
