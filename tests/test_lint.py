"""The code meets the project's own bar: ruff and strict mypy, as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff() -> None:
    result = run("ruff", "check", "plugins", "tests", "scripts")
    assert result.returncode == 0, result.stdout


def test_mypy() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout
