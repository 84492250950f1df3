"""The checkout's code is clean: ruff (the style and common bugs), mypy (strict on gdviz.core)."""

import subprocess
import sys

import numpy as np
import pytest
from conftest import CHECKOUT

pytestmark = pytest.mark.skipif(not (CHECKOUT / "pyproject.toml").exists(), reason="needs the source checkout")


def run(*command):
    return subprocess.run([sys.executable, "-m", *command], cwd=CHECKOUT, capture_output=True, text=True,
                          timeout=600)


def test_ruff_finds_nothing():
    result = run("ruff", "check", "--no-cache", "gdviz", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


NUMPY = tuple(int(part) for part in np.__version__.split(".")[:2])


# The annotations are checked against numpy's own type information, which changed in 2.3 (an
# ndarray's type parameters got defaults); numpy 2.3 and newer need Python 3.11 or newer, so
# on Python 3.10 (numpy 2.2) the type check does not apply.
@pytest.mark.skipif(NUMPY < (2, 3), reason="the annotations are written for numpy >= 2.3's type information")
def test_mypy_finds_nothing_and_holds_the_core_to_strict():
    result = run("mypy", "--cache-dir", "/dev/null", "gdviz")
    assert result.returncode == 0, result.stdout + result.stderr
