"""`candour init`: a new casebook of a network's own, from the starter files shipped in the package.

The starter holds what a casebook needs and nothing of this repository's (no tests, benchmark or
package source): `mkdocs.yml`, `cases/` with the vocabulary and one illustrative example, the home
page, the GitHub workflows and pull-request template, a Makefile with `make serve` and `make check`,
a README, and a requirements file pinning the `candour` package at the version that made it. The
templates, assets and the Contribute and Open data pages come from the installed package itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path as FsPath

STARTER = FsPath(__file__).parent / "starter"
#: Starter files stored under another name in the package (a dot-file or dot-folder would be skipped
#: by packaging tools), and where they go.
_RENAMED = {"gitignore": ".gitignore", "github": ".github"}
#: Files whose text names the casebook or the version.
_FILLED = frozenset({"mkdocs.yml", "README.md", "docs/index.md", "requirements.txt"})


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


def starter_files(name: str, pinned: str | None = None) -> list[Starter]:
    """Every file of a new casebook called `name`, with its text."""
    if not name.strip() or any(ch in name for ch in "\n\r\t") or len(name) > 80:
        raise InitError("the name must be one line of up to 80 characters, like \"Housing network casebook\"")
    quoted = name.strip().replace("\\", "\\\\").replace('"', '\\"')  # inside mkdocs.yml's double quotes
    files = []
    for path in sorted(p for p in STARTER.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        relative = path.relative_to(STARTER).as_posix()
        first, _, rest = relative.partition("/")
        target = _RENAMED.get(first, first) + (f"/{rest}" if rest else "")
        text = path.read_text(encoding="utf-8")
        if relative in _FILLED:
            text = text.replace("{{name}}", quoted if relative == "mkdocs.yml" else name.strip())
            text = text.replace("{{version}}", pinned or candour_version())
        files.append(Starter(target, text))
    return files


def create(folder: FsPath, name: str, pinned: str | None = None) -> list[FsPath]:
    """Write a new casebook into `folder` (new, or empty); return the files written."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
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
