"""Input data: the tables of an inputs folder as one xarray.Dataset with units."""

from energysim.inputs.load import load_inputs, scenario_inputs

__all__ = ["load_inputs", "scenario_inputs"]
