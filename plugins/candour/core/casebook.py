"""The casebook: every file in the cases folder, accounted for as published, draft or error."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path as FsPath
from typing import TYPE_CHECKING

from .cache import ResultCache
from .loader import Source, UnreadableFile, parse_case, read_bytes, read_case
from .names import SLUG_RE, slugify
from .options import Options
from .problems import Problem, display_name, quote, sort_key
from .settings import ConfigError, Settings
from .vocabulary import Vocabulary, load_vocabulary

if TYPE_CHECKING:
    from .model import Case

# The checks themselves (the model, the rules, the privacy patterns: their imports and patterns are most of
# the start-up) are imported by the functions that check, so a casebook whose results are all in the cache of
# checks is re-checked without them.

#: Files in the cases folder that are neither cases nor errors (the vocabulary file is also allowed).
IGNORED_NAMES = frozenset({"README.md", ".gitkeep", ".gitignore", ".DS_Store", "Thumbs.db"})
#: Names the site itself writes in the cases folder of the site: the list of cases (`index`), its
#: further pages (`page/2/` ...) and the data its filters load (`filter-index`). A case with one of
#: these names would be overwritten, or overwrite them.
LISTING_INDEX, LISTING_PAGES, FILTER_INDEX = "index", "page", "filter-index"
RESERVED_SLUGS = frozenset({LISTING_INDEX, LISTING_PAGES, FILTER_INDEX})


@dataclass
class Entry:
    """One case file, checked. A result found in the cache of checks has no source or case: only its problems."""

    slug: str
    location: str  # the file's path, as the walk found it (a `Path` made only when asked for: see `path`)
    file: str  # as named in messages
    source: Source | None
    case: Case | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def path(self) -> FsPath:
        return FsPath(self.location)


@dataclass
class Casebook:
    """Published cases (newest first), drafts, and every problem, from one folder."""

    cases: list[Entry] = field(default_factory=list)
    drafts: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Every file checked, by its display name: cases, drafts, and files that are not cases.
    files: list[str] = field(default_factory=list)
    #: Every case file read, by its display name, valid or not: for checks across cases.
    sources: dict[str, Source] = field(default_factory=dict)
    #: Every case file's path, by its display name (a result from the cache of checks was not read).
    paths: dict[str, str] = field(default_factory=dict)
    #: The organisations each named case names, by its display name: for the anonymity of the others.
    named: dict[str, list[str]] = field(default_factory=dict)

    def source(self, file: str) -> Source:
        """A case file as read, reading it now if its result came from the cache of checks."""
        if file not in self.sources:
            self.sources[file] = read_case(self.paths[file], file)
        return self.sources[file]

    @property
    def checked(self) -> int:
        return len(self.files)

    def add(self, entry: Entry, state: str | None = None) -> None:
        """One checked case file: its problems, and its case as published or draft (`state`, for a result
        from the cache of checks, which has no case)."""
        self.files.append(entry.file)
        self.problems.extend(entry.problems)
        state = state or state_of(entry)
        if state in ("published", "draft"):
            (self.drafts if state == "draft" else self.cases).append(entry)

    def merge(self, other: Casebook) -> None:
        self.cases += other.cases
        self.drafts += other.drafts
        self.problems += other.problems
        self.files += other.files
        self.sources.update(other.sources)
        self.paths.update(other.paths)
        self.named.update(other.named)

    def only(self, files: set[str], caused: list[Problem]) -> Casebook:
        """What the casebook says about `files`: their cases and problems, and `caused`, the problems they
        cause in other files (a file with one is not counted as ready to publish)."""
        blamed = {p.file for p in caused}
        return Casebook(cases=[e for e in self.cases if e.file in files - blamed],
                        drafts=[e for e in self.drafts if e.file in files - blamed],
                        problems=[p for p in self.problems if p.file in files] + caused,
                        files=[f for f in self.files if f in files], sources=self.sources, paths=self.paths,
                        named=self.named)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def waived(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "waived"]

    @property
    def files_with_errors(self) -> list[str]:
        return sorted({p.file for p in self.errors})

    def summary(self) -> dict[str, object]:
        bad = len(self.files_with_errors)
        data: dict[str, object] = {
            "files": self.checked,
            "published": len(self.cases),
            "drafts": len(self.drafts),
            "files_with_errors": bad,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "waived": len(self.waived),
        }
        plural = "s" * (self.checked != 1)
        data["line"] = (f"{self.checked} file{plural} checked: {len(self.cases)} published, "
                        f"{len(self.drafts)} draft{'s' * (len(self.drafts) != 1)}, "
                        f"{bad} with errors ({len(self.errors)} error{'s' * (len(self.errors) != 1)}"
                        f", {len(self.warnings)} warning{'s' * (len(self.warnings) != 1)})"
                        + (f"; {len(self.waived)} waived by the cases themselves (see each 'waived' line)"
                           if self.waived else ""))
        return data


#: How many of the newest cases sharing each term are weighed when picking related cases.
#: Bounding this keeps related cases linear in the number of cases (see docs/performance.md).
RELATED_POOL = 40


def related_cases(cases: list[Entry], limit: int = 3) -> dict[str, list[Entry]]:
    """For each case, up to `limit` others sharing the most themes and services.

    Ties go to the newer case. Candidates are the `RELATED_POOL` newest cases on each of the
    case's terms, so the cost is linear in the number of cases rather than quadratic.
    """
    postings: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in cases:  # `cases` is newest first, so every posting list is too
        for key in _terms_of(entry):
            postings[key].append(entry)
    order = {entry.slug: i for i, entry in enumerate(cases)}
    result: dict[str, list[Entry]] = {}
    for entry in cases:
        scores: dict[str, int] = defaultdict(int)
        by_slug: dict[str, Entry] = {}
        for key in _terms_of(entry):
            pool = postings[key]
            for other in pool[: RELATED_POOL + 1]:
                if other.slug != entry.slug:
                    scores[other.slug] += 1
                    by_slug[other.slug] = other
        best = sorted(scores, key=lambda slug: (-scores[slug], order[slug]))[:limit]
        result[entry.slug] = [by_slug[slug] for slug in best]
    return result


def _terms_of(entry: Entry) -> set[tuple[str, str]]:
    case = entry.case
    assert case is not None
    return {("themes", t) for t in case.themes} | {("services", s) for s in case.services}


def check_file(path: FsPath, vocabulary: Vocabulary, options: Options, root: FsPath | None = None,
               source: Source | None = None) -> Entry:
    """Check one case file, its name included; `source` is the file already read, if it has been."""
    from .validation import check_source

    display = display_name(path, root)
    source = source or read_case(path, display)
    case, problems = check_source(source, vocabulary, options)
    slug = path.stem
    if not SLUG_RE.match(slug):
        problems.insert(0, Problem(display, 1, (), f"the file name {path.name!r} cannot be a web address",
                                   f"rename it to '{slugify(slug, 'my-case')}.md': lower-case letters, digits and "
                                   "single hyphens", code="C204"))
        case = None
    elif slug in RESERVED_SLUGS:
        problems.insert(0, Problem(display, 1, (), f"the file name {path.name!r} is taken by a page the site makes",
                                   f"rename it after what was tried, like 'housing-first-pilot.md'; these names are "
                                   f"reserved: {', '.join(sorted(RESERVED_SLUGS))}", code="C204"))
        case = None
    return Entry(slug, str(path), display, source, case, problems)


def named_organisations(sources: Iterable[Source]) -> list[str]:
    """Every organisation that a named case names, for the anonymity check of the others."""
    names: list[str] = []
    for source in sources:
        data = source.front_matter or {}
        orgs = data.get("organisations")
        if data.get("attribution") == "named" and isinstance(orgs, list):
            names += [o for o in orgs if isinstance(o, str)]
    return names


def with_organisations(options: Options, names: Iterable[str]) -> Options:
    """`options` that check anonymised cases against these organisation names (those named cases name)."""
    from .privacy import organisations_pattern

    return replace(options, organisations=organisations_pattern(list(names)))


def checks_cache(settings: Settings, folder: FsPath | None) -> ResultCache:
    """The cache of check results for this casebook's settings (no cache when `folder` is None)."""
    try:
        vocabulary = hashlib.sha256(read_bytes(settings.vocabulary)).hexdigest()
    except UnreadableFile:
        vocabulary = "unreadable"
    options = settings.options
    context = f"{vocabulary}\0{options.min_words}\0{options.allow_waivers}"
    return ResultCache(folder, settings.cases_dir, context)


def open_casebook(settings: Settings, root: FsPath | None = None, cache: ResultCache | None = None,
                  known: dict[str, tuple[Source, Case]] | None = None) -> tuple[Vocabulary, Casebook]:
    """The vocabulary and every case of the casebook `settings` describe. Raises `ConfigError` if there is no
    cases folder, `VocabularyError` if the vocabulary has errors (no case can be checked without it).
    Files are named relative to `root`."""
    root = root or settings.root
    if not settings.cases_dir.is_dir():
        raise ConfigError(f"the cases folder {display_name(settings.cases_dir, root)} does not exist (create it, or "
                          "set 'cases_dir' under the candour plugin in mkdocs.yml)")
    vocabulary = load_vocabulary(settings.vocabulary, display_name(settings.vocabulary, root))
    return vocabulary, load(settings.cases_dir, vocabulary, settings.options, root=root,
                            vocabulary_file=settings.vocabulary, cache=cache, with_cases=True, known=known)


def load(cases_dir: FsPath, vocabulary: Vocabulary, options: Options | None = None, *,
         root: FsPath | None = None, vocabulary_file: FsPath | None = None,
         cache: ResultCache | None = None, with_cases: bool = False,
         known: dict[str, tuple[Source, Case]] | None = None) -> Casebook:
    """Check every file below `cases_dir`. Never raises for bad case content.

    With a `cache`, a file whose result is there is not checked again. Its entry has only its problems,
    unless `with_cases` (a site needs every case): then a valid file is read into its case again, which
    costs a small part of checking it. `known` holds the cases of earlier runs in this process, by their
    result's key (a preview that rebuilds on every save keeps them): a case found there is not read again.
    """
    options = options or Options()
    book = Casebook()
    # The walk follows no link, so a path is the file's own unless a folder above the cases folder is a link:
    # only the vocabulary's path is resolved, and a file's only when its name is the vocabulary's.
    vocabulary_path = vocabulary_file.resolve() if vocabulary_file else None
    # A file directly in the cases folder is named from the folder's name (one `relative_to` for all).
    prefix = display_name(cases_dir, root)
    prefix = "" if prefix == "." else prefix + "/"
    stems: dict[str, list[str]] = defaultdict(list)
    cases: list[tuple[str, str]] = []  # each case file's path and display name
    folder = str(cases_dir)
    for relative, is_link in _walk(folder):
        display = prefix + relative
        if is_link:
            book.files.append(display)
            book.problems.append(Problem(display, 1, (),
                                         "this is a symbolic link: links in the cases folder are never followed",
                                         "replace it with the file (or the folder's files) itself", code="C205"))
            continue
        if (vocabulary_path is not None and relative.rpartition("/")[2] == vocabulary_path.name
                and (cases_dir / relative).resolve() == vocabulary_path) or relative in IGNORED_NAMES:
            continue
        misplaced = _not_a_case(relative, display, cases_dir, root)
        if misplaced:
            book.files.append(display)
            book.problems.append(misplaced)
            continue
        stems[relative[:-3].casefold()].append(display)
        cases.append((os.path.join(folder, relative), display))
    book.paths = {display: path for path, display in cases}
    # First what the checks of other files need from each file (the organisations a named case names),
    # then each file's own check, with those.
    digests: dict[str, str] = {}
    named: list[str] = []
    for path, display in cases:
        fact = None
        data: bytes | None = None
        if cache is not None:
            data, digests[display] = _read(path, cache)
            fact = cache.fact(digests[display])
        if fact is None:
            source = book.sources[display] = parse_case(data, display) if data is not None \
                else read_case(path, display)
            fact = named_organisations([source])
            if cache is not None:
                cache.remember_fact(digests[display], fact)
        named += fact
        book.named[display] = fact
    organisations = "\n".join(sorted(set(named)))
    keys = {display: cache.key(display, digests[display], organisations) if cache is not None else ""
            for _, display in cases}
    results = {display: cache.result(keys[display]) if cache is not None else None for _, display in cases}
    misses = [(FsPath(path), display) for path, display in cases if results[display] is None]
    checked = dict(zip([display for _, display in misses],
                       _check_all(misses, vocabulary, with_organisations(options, named), root, book.sources)
                       if misses else [], strict=True))
    for path, display in cases:
        found, key = results[display], keys[display]
        if found is not None:
            book.add(_from_cache(path, display, found, book, vocabulary, known, key) if with_cases
                     else Entry(_slug(path), path, display, None, None, found[1]), found[0])
            continue
        entry = checked[display]
        if cache is not None:
            cache.store(key, state_of(entry), entry.problems)
        if with_cases or cache is None:
            if entry.source is not None:
                book.sources[display] = entry.source
            if known is not None and entry.source and entry.case and state_of(entry) != "error":
                known[key] = (entry.source, entry.case)
            book.add(entry)
        else:  # a result only: the site is not being made
            book.add(Entry(entry.slug, path, display, None, None, entry.problems), state_of(entry))
    for same in stems.values():
        if len(same) > 1:
            names = ", ".join(display.rpartition("/")[2] for display in same)
            for display in same:
                book.problems.append(Problem(display, 1, (),
                                             f"these files differ only by capital letters: {names}",
                                             "give each case its own name; web addresses ignore capitals",
                                             code="C204"))
    bad = {p.file for p in book.errors}
    book.cases = [e for e in book.cases if e.file not in bad]
    book.drafts = [e for e in book.drafts if e.file not in bad]
    book.cases.sort(key=lambda e: (e.case.published.isoformat() if e.case else "", e.slug), reverse=True)
    book.problems.sort(key=sort_key)
    return book


def _from_cache(path: str, display: str, found: tuple[str, list[Problem]], book: Casebook,
                vocabulary: Vocabulary, known: dict[str, tuple[Source, Case]] | None, key: str) -> Entry:
    """A file's entry from its cached result, with its source and case read again when it is valid (or
    taken from `known`, the cases an earlier run in this process read under the same key)."""
    state, problems = found
    if state == "error":
        return Entry(_slug(path), path, display, None, None, problems)
    if known is not None and key in known:
        source, case = known[key]
        book.sources[display] = source
    else:
        source = book.sources[display] = book.sources.get(display) or read_case(path, display)
        from .model import Case

        case = Case.model_validate(source.front_matter, context={"vocabulary": vocabulary})
        if known is not None:
            known[key] = (source, case)
    return Entry(_slug(path), path, display, source, case, problems)


def _slug(path: str) -> str:
    """A case file's slug: its name without '.md' (the walk passes only such names on as cases)."""
    return os.path.basename(path)[:-3]


#: Fewest files worth checking in parallel: below it, starting the workers costs more than it saves.
PARALLEL_FROM = 200
_worker: tuple[Vocabulary, Options, FsPath | None, dict[str, Source]] | None = None


def _check_all(files: list[tuple[FsPath, str]], vocabulary: Vocabulary, options: Options,
               root: FsPath | None, sources: dict[str, Source] | None = None) -> list[Entry]:
    """Each file checked, on every core when there are many (an entry, its source and case included, costs
    a small part of checking it to send back). A file in `sources` was read already."""
    sources = sources or {}
    workers = min(os.cpu_count() or 1, len(files) // (PARALLEL_FROM // 2))
    if len(files) < PARALLEL_FROM or workers < 2:
        return [_check_one(path, display, vocabulary, options, root, sources) for path, display in files]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    # Forked, each worker starts with the sources read already; nothing of them is sent.
    with context.Pool(workers, initializer=_start_worker, initargs=(vocabulary, options, root, sources)) as pool:
        return pool.starmap(_check_in_worker, files, chunksize=max(1, len(files) // (workers * 8)))


def _check_one(path: FsPath, display: str, vocabulary: Vocabulary, options: Options,
               root: FsPath | None, sources: dict[str, Source]) -> Entry:
    return check_file(path, vocabulary, options, root, sources.get(display) or read_case(path, display))


def _start_worker(vocabulary: Vocabulary, options: Options, root: FsPath | None,
                  sources: dict[str, Source]) -> None:
    global _worker
    _worker = (vocabulary, options, root, sources)


def _check_in_worker(path: FsPath, display: str) -> Entry:
    assert _worker is not None
    return _check_one(path, display, *_worker)


def _read(path: str, cache: ResultCache) -> tuple[bytes | None, str]:
    """The file's bytes (None when the cache knew its digest from its status, or it cannot be read) and their
    digest; a file that cannot be read has a digest that is never a cache hit."""
    found = cache.digest(path)
    return found if found is not None else (None, f"unreadable:{os.urandom(8).hex()}")


def state_of(entry: Entry) -> str:
    if entry.case is None or any(p.severity == "error" for p in entry.problems):
        return "error"
    return "draft" if entry.case.draft else "published"


def _not_a_case(relative: str, display: str, cases_dir: FsPath, root: FsPath | None) -> Problem | None:
    """Why the file at `relative` (to the cases folder, with '/') is not a case, or None if it may be one."""
    name = relative.rpartition("/")[2]
    if "/" in relative:
        return Problem(display, 1, (), "cases must be directly in the cases folder",
                       f"move it to '{display_name(cases_dir / name, root)}'", code="C205")
    if not name.endswith(".md") or name == ".md":
        return Problem(display, 1, (), f"{name!r} is not a case file: only '.md' files are cases",
                       f"rename it to '{slugify(FsPath(name).stem, 'my-case')}.md' if it is a case, "
                       "or move it out of the cases folder", code="C205")
    return None


def _walk(folder: str, below: str = "") -> list[tuple[str, bool]]:
    """Every file below `folder`, and every symbolic link (to a file or a folder), never followed: each
    as its path relative to `folder` (with '/') and whether it is a link, in the order of their names'
    parts. `os.scandir` tells links from the directory listing, without a system call per file."""
    found: list[tuple[str, bool]] = []
    folders: list[str] = []
    try:
        with os.scandir(os.path.join(folder, below) if below else folder) as entries:
            for entry in entries:
                relative = f"{below}/{entry.name}" if below else entry.name
                try:
                    if entry.is_symlink():
                        found.append((relative, True))
                    elif entry.is_dir():
                        folders.append(relative)
                    else:
                        found.append((relative, False))
                except OSError:  # gone since it was listed
                    continue
    except OSError:  # a folder that cannot be listed, as os.walk skips it
        return found
    found += [item for sub in folders for item in _walk(folder, sub)]
    found.sort(key=lambda item: item[0].split("/"))
    return found


def caused_by(book: Casebook, changed: set[str]) -> list[Problem]:
    """Problems in files outside `changed` that the changed files cause, reported on the changed files.

    Today that is one check across cases: a named case that adds an organisation which an anonymised
    case mentions would identify that case. The anonymised file is not in the pull request, so the
    problem is reported where the name was added, naming both files.
    """
    blamed: list[Problem] = []
    unchanged = [f for f in book.paths if f not in changed]
    from . import privacy, rules

    already = privacy.organisations_pattern([org for f in unchanged for org in book.named.get(f, [])])
    anonymised: list[Source] | None = None  # read only when a changed case names a new organisation
    for file in sorted(changed):
        source = book.source(file) if file in book.paths else None
        data = (source.front_matter or {}) if source else {}
        orgs = data.get("organisations")
        if source is None or data.get("attribution") != "named" or not isinstance(orgs, list):
            continue
        for index, org in enumerate(orgs):
            alone = privacy.organisations_pattern([org]) if isinstance(org, str) else None
            if alone is None or (already is not None and any(already.finditer(org))):
                continue  # a case on main names it already: this pull request does not cause the clash
            if anonymised is None:
                anonymised = [s for s in map(book.source, unchanged)
                              if s.front_matter and s.front_matter.get("attribution") == "anonymised"]
            for other in anonymised:
                found = [p for p in rules.check_privacy(other, other.front_matter or {}, Options(
                    organisations=alone)) if "another case names" in p.message]
                if found:
                    blamed.append(source.problem(
                        ("organisations", index),
                        f"naming {quote(org)} here would identify the anonymised case {other.file}, which mentions "
                        f"it (line {found[0].line})",
                        f"the two cannot both be published as they are: leave the organisation out of this case, "
                        f"or ask the reviewers of {other.file} to describe it there without the name", code="C302"))
    return blamed
