"""Benchmarks of energysim's performance-critical core: `python -m benchmarks [--quick]`."""
