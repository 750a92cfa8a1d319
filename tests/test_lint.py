"""The code stays `ruff` clean (ruff is a test extra)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.helpers import ROOT


def test_ruff_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff not installed")
    result = subprocess.run(
        [ruff, "check", "energysim", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_install_and_test_extra_resolve_the_same_pandas_major() -> None:
    """`pip install -e .` resolved pandas 3 while `.[test]` (pyam-iamc) resolved pandas 2: the
    package's own cap must be at least as tight as every test dependency's."""
    import importlib.metadata as metadata

    from packaging.requirements import Requirement

    def pandas_spec(requirements: list[str]):
        specs = [Requirement(r).specifier for r in requirements if Requirement(r).name == "pandas"]
        return specs[0] if specs else None

    ours = pandas_spec(metadata.requires("energysim") or [])
    theirs = pandas_spec(metadata.requires("pyam-iamc") or [])
    assert ours is not None and theirs is not None
    for version in ("2.1.2", "2.2.3", "2.3.3", "3.0.0", "3.1.0"):
        assert (version in ours) <= (version in theirs), version
