"""Candour outside this repository (#11): the built wheel, alone in a fresh virtual environment, makes a
casebook with `candour init` that validates and builds strictly; nothing of the repository is needed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from candour.tools import scaffold
from tests.conftest import ROOT

WHEELHOUSE = ROOT / ".wheelhouse"  # filled by `make test` from the package registry, once

pytestmark = pytest.mark.slow


def _run(command: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "GITHUB_STEP_SUMMARY")}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300,
                            env={**env, "NO_MKDOCS_2_WARNING": "1"})
    if check:
        assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    return result


def test_the_wheel_alone_makes_a_casebook_that_validates_and_builds(tmp_path: Path) -> None:
    if not WHEELHOUSE.is_dir():
        pytest.fail("the dependency wheels are missing: run 'make test', which downloads them into .wheelhouse")
    # Built from a copy of the source files only: a `build/` folder left by an earlier build would otherwise
    # put modules that no longer exist into the wheel (setuptools reuses it), and hide a missing one.
    source = tmp_path / "source"
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w",
          str(tmp_path / "dist"), str(source)], cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("candour-*.whl")
    names = {n for n in zipfile.ZipFile(wheel).namelist() if not n.startswith("candour-")}
    package = ROOT / "plugins" / "candour"
    expected = {"candour/" + f.relative_to(package).as_posix() for f in package.rglob("*")
                if f.is_file() and "__pycache__" not in f.parts}
    assert names == expected, (sorted(names - expected), sorted(expected - names))
    assert "candour/site/theme/case.html" in names and "candour/tools/starter/github/workflows/publish.yml" in names
    # A fresh environment, and only the package's declared dependencies: no lock file, no repository.
    _run([sys.executable, "-m", "venv", str(tmp_path / "venv")], cwd=tmp_path)
    bin_dir = tmp_path / "venv" / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index",
          "--find-links", str(WHEELHOUSE), str(wheel)], cwd=tmp_path)
    where = _run([str(bin_dir / "python"), "-c", "import candour; print(candour.__file__)"], cwd=tmp_path).stdout
    assert str(tmp_path / "venv") in where
    made = _run([str(bin_dir / "candour"), "init", "network-casebook", "--name", "Housing network casebook"],
                cwd=tmp_path)
    assert "Next steps" in made.stdout
    book = tmp_path / "network-casebook"
    checked = _run([str(bin_dir / "candour"), "validate"], cwd=book)
    assert checked.stdout.splitlines()[-1].startswith("candour: 1 file checked: 1 published")
    _run([str(bin_dir / "mkdocs"), "build", "--strict"], cwd=book)
    site = book / "site"
    for page in ("index.html", "cases/example-housing-first-pilot/index.html", "rules/index.html",
                 "contribute/index.html", "open-data/index.html", "reference/index.html", "assets/candour.css",
                 "cases.json", "feed.xml", "pagefind/pagefind.js"):
        assert (site / page).is_file(), page
    assert "Housing network casebook" in (site / "index.html").read_text(encoding="utf-8")
    # The installed checker turns a weak case away, with its code.
    case = book / "cases" / "example-housing-first-pilot.md"
    case.write_text(case.read_text(encoding="utf-8").replace("illustrative: true", "illustrative: maybe"),
                    encoding="utf-8")
    refused = _run([str(bin_dir / "candour"), "validate"], cwd=book, check=False)
    assert refused.returncode == 1 and " C012 illustrative:" in refused.stdout


def test_init_refuses_a_folder_with_files_in_it(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(scaffold.InitError, match="not empty"):
        scaffold.create(tmp_path, "Casebook")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_the_starter_is_the_reference_casebooks_in_what_they_share() -> None:
    files = {f.path: f.text for f in scaffold.starter_files("A casebook", "9.9.9")}
    assert files["requirements.txt"].splitlines()[-1] == "candour==9.9.9"
    assert files["cases/vocabulary.yml"] == (ROOT / "cases" / "vocabulary.yml").read_text(encoding="utf-8")
    assert files[".github/PULL_REQUEST_TEMPLATE.md"] == \
        (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    assert "illustrative: true" in files["cases/example-housing-first-pilot.md"]
    assert not any("{{name}}" in text or "{{version}}" in text for text in files.values())


@pytest.mark.parametrize("name", ['Housing "North"', "Net\u202eevil", "A <b>bold</b> casebook", "x" * 81, " "])
def test_a_casebook_name_that_would_change_the_page_is_refused(name: str) -> None:
    with pytest.raises(scaffold.InitError):
        scaffold.starter_files(name)


def test_a_casebook_name_is_shown_as_typed_never_as_markup() -> None:
    files = {f.path: f.text for f in scaffold.starter_files("Tenants & *North* [net](javascript:x)", "1")}
    assert "# Tenants &amp; \\*North\\* \\[net\\]\\(javascript:x\\)" in files["README.md"]
    # The home page shows the name from mkdocs.yml, where it is one quoted YAML string (the template escapes it).
    assert 'site_name: "Tenants & *North* [net](javascript:x)"' in files["mkdocs.yml"]
    assert "Tenants" not in files["docs/index.md"]
    assert ".github/ISSUE_TEMPLATE/submit-a-case.yml" in files and ".github/workflows/case-from-issue.yml" in files
