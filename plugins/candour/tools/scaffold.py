"""`candour init`: a new casebook of a network's own, from the starter files shipped in the package.

The starter holds what a casebook needs and nothing of this repository's (no tests, benchmark or
package source): `mkdocs.yml`, `cases/` with the vocabulary and one illustrative example, the home
page, the GitHub workflows and pull-request template, a Makefile with `make serve` and `make check`,
a README, and a requirements file pinning the `candour` package at the version that made it. The
templates, assets and the Contribute and Open data pages come from the installed package itself.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path as FsPath

from ..core.settings import site_name_problem
from ..core.vocabulary import Vocabulary, load_vocabulary
from . import issue_form

STARTER = FsPath(__file__).parent / "starter"
#: Starter files stored under another name in the package (a dot-file or dot-folder would be skipped
#: by packaging tools), and where they go.
_RENAMED = {"gitignore": ".gitignore", "github": ".github"}
#: Files whose text names the casebook or the version.
_FILLED = frozenset({"mkdocs.yml", "README.md", "requirements.txt"})


class InitError(Exception):
    """The casebook cannot be created here: what is wrong, in plain words."""


@dataclass(frozen=True)
class Starter:
    path: str  # where it goes, relative to the new casebook, with forward slashes
    text: str


def candour_version() -> str:
    try:
        return version("candour")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
        return "0"


def starter_files(name: str, pinned: str | None = None, vocabulary: Vocabulary | None = None) -> list[Starter]:
    """Every file of a new casebook called `name`, with its text."""
    name = name.strip()
    problem = site_name_problem(name)
    if problem:
        raise InitError(f"the name {problem}; for example \"Housing network casebook\"")
    quoted = name.replace("\\", "\\\\")  # inside mkdocs.yml's double quotes (no '"' gets this far)
    as_markdown = html.escape(name, quote=False)
    as_markdown = re.sub(r"([\\`*_{}\[\]()#+\-.!|])", r"\\\1", as_markdown)  # shown as typed, never as markup
    files = []
    for path in sorted(p for p in STARTER.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        relative = path.relative_to(STARTER).as_posix()
        first, _, rest = relative.partition("/")
        target = _RENAMED.get(first, first) + (f"/{rest}" if rest else "")
        text = path.read_text(encoding="utf-8")
        if relative in _FILLED:
            text = text.replace("{{name}}", {"mkdocs.yml": quoted, "requirements.txt": name}.get(relative,
                                                                                              as_markdown))
            text = text.replace("{{version}}", pinned or candour_version())
        files.append(Starter(target, text))
    # The "Submit a case" form, made from the casebook's vocabulary, as `candour issue-form` makes it.
    vocabulary = vocabulary or load_vocabulary(STARTER / "cases" / "vocabulary.yml", "cases/vocabulary.yml")
    files.append(Starter(".github/ISSUE_TEMPLATE/submit-a-case.yml", issue_form.form_yaml(vocabulary)))
    return sorted(files, key=lambda f: f.path)


def create(folder: FsPath, name: str, pinned: str | None = None) -> list[FsPath]:
    """Write a new casebook into `folder` (new, or empty); return the files written."""
    if folder.is_symlink():
        raise InitError(f"{folder} is a symbolic link: give the real folder, or a new one")
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise InitError(f"{folder} is not empty: choose a new folder, so nothing of yours is overwritten")
    files = starter_files(name, pinned)
    written = []
    for item in files:
        target = folder / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(item.text, encoding="utf-8")
        written.append(target)
    return written
