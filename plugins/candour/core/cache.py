"""A cache of check results, so re-checking a casebook costs only what changed.

A result is kept under a key made of everything it depends on: the file's bytes and name, the
vocabulary file's bytes, the options, the organisations that named cases name (an anonymised case
is checked against them), and the checking code itself (Candour's version and the bytes of every
module of `candour.core`). Change any of them and the key changes, so a stale result is never
found: it is simply not there. The cache lives outside the casebook (in the user's cache folder),
where a pull request cannot put results of its own.

A file's digest is itself kept with what the file system says of the file (its inode, size, and times of
last change and last change of status), as git's index does, so an unchanged file is not read again. The
time of last change of status is set by the system on every write and cannot be set back, so a file
rewritten to the same size with its old modification time is still read again. A file changed in the
last few seconds before it was read is not kept: it could change again within the file system's clock
tick and look the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
import time
from dataclasses import asdict
from functools import cache
from importlib import metadata
from pathlib import Path as FsPath
from typing import Any

from .. import __version__
from .loader import UnreadableFile, read_bytes
from .problems import Problem

#: Bump when the layout of the cache file changes.
FORMAT = 2
#: What a result may say of its file; anything else is a damaged cache.
STATES = ("published", "draft", "error")
#: A file whose last change is more recent than this before it was read is read again next time.
SETTLED_NS = 3_000_000_000


#: The libraries whose behaviour is part of a check: the YAML reader, the schema, the Markdown
#: renderer and the sanitiser. Another version of any of them is another digest.
CHECKING_LIBRARIES = ("PyYAML", "pydantic", "pydantic-core", "markdown-it-py", "nh3", "html5lib")


@cache
def code_digest() -> str:
    """Candour's version, the bytes of the checking code and the versions of the libraries it checks
    with: a new rule, or a new sanitiser, is a new digest."""
    digest = hashlib.sha256(f"{__version__}/{FORMAT}".encode())
    for module in sorted(FsPath(__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    for library in CHECKING_LIBRARIES:
        try:
            digest.update(f"\0{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"\0{library}=?".encode())
    return digest.hexdigest()


def default_folder() -> FsPath | None:
    """`CANDOUR_CACHE_DIR`, else the user's cache folder; None when `CANDOUR_CACHE_DIR` is empty (no cache)."""
    chosen = os.environ.get("CANDOUR_CACHE_DIR")
    if chosen is not None:
        return FsPath(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return FsPath(base) / "candour"


class ResultCache:
    """Check results of one casebook's files, read at the start of a run and written at its end.

    Only results asked for or stored in this run are written back, so the file never grows past
    the casebook. An unreadable, foreign or damaged cache file is ignored, never trusted.
    """

    def __init__(self, folder: FsPath | None, casebook: FsPath, context: str) -> None:
        self.file = folder / f"checks-{hashlib.sha256(str(casebook).encode()).hexdigest()[:20]}.json" \
            if folder else None
        self.context = hashlib.sha256(f"{code_digest()}\0{context}".encode()).hexdigest()
        self.facts: dict[str, list[Any]] = {}  # a file's digest -> what other files' checks need from it
        self.results: dict[str, list[Any]] = {}  # a result's key -> [state, problems]
        self.files: dict[str, list[Any]] = {}  # a file's path -> [inode, size, mtime, ctime, digest]
        self._old_facts: dict[str, list[Any]] = {}
        self._old_results: dict[str, list[Any]] = {}
        self._old_files: dict[str, list[Any]] = {}
        #: Files read and hashed in this run (the others' digests were known from their status).
        self.read = 0
        self.hits = 0
        self._new = False  # whether this run found anything the file does not hold
        self._organisations = ("", hashlib.sha256(b"").hexdigest())
        if self.file is not None:
            self._read()

    def _read(self) -> None:
        assert self.file is not None
        try:
            data = json.loads(self.file.read_bytes())
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("code") != code_digest():
            return
        facts, results, files = data.get("facts"), data.get("results"), data.get("files")
        if isinstance(facts, dict) and isinstance(results, dict) and isinstance(files, dict):
            self._old_facts, self._old_results, self._old_files = facts, results, files

    def digest(self, path: str) -> tuple[bytes | None, str] | None:
        """The file's bytes, if it had to be read, and the SHA-256 of its bytes; None if it cannot be read
        (a symbolic link, anything but a regular file, gone)."""
        try:
            status = os.stat(path, follow_symlinks=False)
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        seen = [status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]
        kept = self._old_files.get(path)
        if isinstance(kept, list) and len(kept) == 5 and kept[:4] == seen and isinstance(kept[4], str):
            self.files[path] = kept
            return None, kept[4]
        now = time.time_ns()
        try:
            data = read_bytes(path)
        except UnreadableFile:
            return None
        self.read += 1
        digest = hashlib.sha256(data).hexdigest()
        if max(status.st_mtime_ns, status.st_ctime_ns) < now - SETTLED_NS:
            self.files[path] = [*seen, digest]
            self._new = True
        return data, digest

    def fact(self, digest: str) -> list[Any] | None:
        found = self._old_facts.get(digest)
        if found is not None:
            self.facts[digest] = found
        return found

    def remember_fact(self, digest: str, fact: list[Any]) -> None:
        self.facts[digest] = fact
        self._new = True

    def key(self, display: str, digest: str, organisations: str) -> str:
        """A result's key; `organisations` is the same for every file of a run, so it is hashed once."""
        if organisations != self._organisations[0]:
            self._organisations = (organisations, hashlib.sha256(organisations.encode()).hexdigest())
        return hashlib.sha256(f"{self.context}\0{self._organisations[1]}\0{display}\0{digest}".encode()).hexdigest()

    def result(self, key: str) -> tuple[str, list[Problem]] | None:
        found = self._old_results.get(key)
        if not (isinstance(found, list) and len(found) == 2 and found[0] in STATES):
            return None  # damaged: the file is checked again
        try:
            problems = [Problem(p["file"], p["line"], tuple(p["path"]), p["message"], p["hint"], p["severity"],
                                p["code"]) for p in found[1]]
        except (KeyError, TypeError):
            return None
        self.results[key] = found
        self.hits += 1
        return found[0], problems

    def store(self, key: str, state: str, problems: list[Problem]) -> None:
        self.results[key] = [state, [asdict(p) for p in problems]]
        self._new = True

    def save(self) -> None:
        """Write this run's results, unless they are the file's already; a cache that cannot be written is no
        error (the next run checks again)."""
        if self.file is None:
            return
        if not self._new and (len(self.results), len(self.facts), len(self.files)) == \
                (len(self._old_results), len(self._old_facts), len(self._old_files)):
            return  # every result was found and used: the file holds exactly what it would be written with
        data = {"format": FORMAT, "code": code_digest(), "facts": self.facts, "results": self.results,
                "files": self.files}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(data, separators=(",", ":"))  # dumps, not dump: all of it in the C encoder
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.file.parent, delete=False,
                                             suffix=".tmp") as out:
                out.write(text)
            os.replace(out.name, self.file)
        except OSError:
            return
