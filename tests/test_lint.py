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


def test_every_file_of_the_package_is_in_git() -> None:
    """A file the package needs but git ignores works here and is missing from every clone (CI, a fork)."""
    result = subprocess.run(["git", "ls-files", "--others", "--ignored", "--exclude-standard", "plugins/candour"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    lost = [path for path in result.stdout.splitlines() if "__pycache__" not in path]
    assert lost == [], f"ignored by .gitignore, so never committed: {lost}"
