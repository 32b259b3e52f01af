"""Shared fixtures: the project's vocabulary, a known-good case, and helpers to write case files."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from candour.core import rules
from candour.core.casebook import Entry, check_file
from candour.core.loader import Source, parse_case
from candour.core.problems import Problem
from candour.core.validation import check_source
from candour.core.vocabulary import Vocabulary, load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "cases"
VOCABULARY_FILE = CASES / "vocabulary.yml"
#: The public address the shared example build is made for: not mkdocs.yml's default, so a test that finds
#: it in the output knows it came from the build's CANDOUR_SITE_URL, as the publish workflow sets it.
EXAMPLE_SITE_URL = "https://casebook.example.org/"

GOOD: dict[str, Any] = {
    "title": "A shared referral form for early help",
    "summary": ("A council and two GP practices tried one referral form and a daily triage call for families "
                "who need early help. It made referrals faster but the paperwork took months."),
    "status": "completed",
    "started": "2023-04",
    "ended": "2024-03",
    "published": "2024-06-12",
    "place": "Harrowfield",
    "region": "east-of-england",
    "services": ["children-and-families"],
    "themes": ["referral-pathways"],
    "attribution": "named",
    "organisations": ["Harrowfield District Council"],
    "setbacks": [{"what": "The data-sharing agreement took five months to sign instead of six weeks."}],
    "do_differently": ["Get the information governance leads in one room before the pilot starts."],
}


@pytest.fixture(scope="session")
def vocabulary() -> Vocabulary:
    return load_vocabulary(VOCABULARY_FILE, "cases/vocabulary.yml")


def good(**changes: Any) -> dict[str, Any]:
    """A valid case's front-matter with some fields changed; a value of None removes the field."""
    data = copy.deepcopy(GOOD)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def case_text(front_matter: dict[str, Any], body: str = "Some text.\n") -> str:
    return "---\n" + yaml.safe_dump(front_matter, sort_keys=False, allow_unicode=True, width=10_000) + "---\n" + body


def check_text(text: str | bytes, vocabulary: Vocabulary, min_words: int = rules.MIN_WORDS,
               name: str = "cases/x.md") -> tuple[Source, list[str]]:
    """Parse and check case text; return the source and the problems as text lines, without their codes.

    The codes are tested where they are the point (`test_codes.py`, the golden files, the CLI).
    """
    data = text.encode() if isinstance(text, str) else text
    source = parse_case(data, name)
    _, problems = check_source(source, vocabulary, rules.Options(min_words))
    return source, [without_code(p) for p in problems]


def without_code(problem: Problem) -> str:
    return problem.text().replace(f" {problem.code} ", " ", 1) if problem.code else problem.text()


def check_data(vocabulary: Vocabulary, **changes: Any) -> list[str]:
    return check_text(case_text(good(**changes)), vocabulary)[1]


def write_case(folder: Path, name: str, front_matter: dict[str, Any] | None = None, body: str = "Text.\n") -> Path:
    path = folder / name
    path.write_text(case_text(front_matter if front_matter is not None else good(), body), encoding="utf-8")
    return path


def copy_site(dest: Path, *, with_cases: bool = True) -> Path:
    """The project's site (config, docs, templates, vocabulary) in `dest`; its example cases too, or none."""
    import shutil

    for name in ("docs",):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    if with_cases:
        shutil.copytree(ROOT / "cases", dest / "cases")
    else:
        (dest / "cases").mkdir()
        shutil.copy(VOCABULARY_FILE, dest / "cases" / "vocabulary.yml")
    return dest


def check_path(path: Path, vocabulary: Vocabulary) -> Entry:
    return check_file(path, vocabulary, rules.Options(), path.parent)


def switch_off_html_checks(patch: pytest.MonkeyPatch) -> None:
    """Switch off the validator's HTML and plain-text checks, to prove the site's own defences hold."""
    from candour.core import rules as rules_module

    patch.setattr(rules_module.plain_text, "plain_text_issue", lambda text: None)
    patch.setattr(rules_module.body, "check", lambda text: iter(()))
    patch.setattr(rules_module.plain_text, "control_character", lambda text: None)


@pytest.fixture
def html_checks_off(monkeypatch: pytest.MonkeyPatch) -> None:
    switch_off_html_checks(monkeypatch)


def example_cases() -> dict[str, dict[str, Any]]:
    """The example cases' front-matter, read with plain YAML rather than Candour's own loader: what the
    tests expect of the example site is counted from the case files, never written into the tests."""
    cases: dict[str, dict[str, Any]] = {}
    for path in sorted(CASES.glob("*.md")):
        front_matter = path.read_text(encoding="utf-8").split("---\n", 2)[1]
        cases[path.stem] = yaml.safe_load(front_matter)
    return cases


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own example site, built once per test session by `mkdocs build --strict` exactly as a
    maintainer would, for `EXAMPLE_SITE_URL`, search index included; returns the built site folder.

    Integration and browser tests only read it. A test that needs another build (another address, other
    options, a changed casebook) makes its own.
    """
    folder = copy_site(tmp_path_factory.mktemp("example-site"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CANDOUR_SITE_URL": EXAMPLE_SITE_URL}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    cases = example_cases()
    drafts = sum(bool(data.get("draft")) for data in cases.values())
    assert (f"candour: {len(cases)} files checked: {len(cases) - drafts} published, {drafts} drafts, "
            "0 with errors") in result.stderr, result.stderr
    return folder / "site"


@pytest.fixture(autouse=True, scope="session")
def checks_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The command line's cache of check results, kept in the test session's own folder, never in ~/.cache."""
    folder = tmp_path_factory.mktemp("checks-cache")
    os.environ["CANDOUR_CACHE_DIR"] = str(folder)
    return folder
