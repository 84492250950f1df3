"""The checkout's code is clean: ruff (the style and common bugs), mypy (strict on gdviz.core)."""

import subprocess
import sys

import pytest
from conftest import CHECKOUT

pytestmark = pytest.mark.skipif(not (CHECKOUT / "pyproject.toml").exists(), reason="needs the source checkout")


def run(*command):
    return subprocess.run([sys.executable, "-m", *command], cwd=CHECKOUT, capture_output=True, text=True,
                          timeout=600)


def test_ruff_finds_nothing():
    result = run("ruff", "check", "--no-cache", "gdviz", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_and_holds_the_core_to_strict():
    result = run("mypy", "--cache-dir", "/dev/null", "gdviz")
    assert result.returncode == 0, result.stdout + result.stderr
