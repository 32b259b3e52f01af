"""The casebook: every file in the cases folder, accounted for as published, draft or error."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path as FsPath

from . import privacy, rules
from .loader import Source, read_case
from .model import SLUG_RE, Case
from .problems import Problem, quote, sort_key
from .validation import check_source
from .vocabulary import Vocabulary

#: Files in the cases folder that are neither cases nor errors (the vocabulary file is also allowed).
IGNORED_NAMES = frozenset({"README.md", ".gitkeep", ".gitignore", ".DS_Store", "Thumbs.db"})
#: Names the site itself writes in the cases folder of the site: the list of cases (`index`), its
#: further pages (`page/2/` ...) and the data its filters load (`filter-index`). A case with one of
#: these names would be overwritten, or overwrite them.
LISTING_INDEX, LISTING_PAGES, FILTER_INDEX = "index", "page", "filter-index"
RESERVED_SLUGS = frozenset({LISTING_INDEX, LISTING_PAGES, FILTER_INDEX})


@dataclass
class Entry:
    """One case file, checked."""

    slug: str
    path: FsPath
    source: Source
    case: Case | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.source.file

    @property
    def ok(self) -> bool:
        return self.case is not None


@dataclass
class Casebook:
    """Published cases (newest first), drafts, and every problem, from one folder."""

    cases: list[Entry] = field(default_factory=list)
    drafts: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    checked: int = 0
    #: Every case file read, by its display name, valid or not: for checks across cases.
    sources: dict[str, Source] = field(default_factory=dict)

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

    def by(self, field_name: str) -> dict[str, list[Entry]]:
        """Published cases grouped by a vocabulary field: 'region', 'services', 'themes' or 'partners'."""
        groups: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.cases:
            assert entry.case is not None
            value = getattr(entry.case, field_name)
            for term in [value] if isinstance(value, str) else value:
                groups[term].append(entry)
        return dict(groups)


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


def display_name(path: FsPath, root: FsPath | None) -> str:
    """How a file is named in messages: relative to the project root, with forward slashes."""
    if root is not None:
        for candidate, base in ((path, root), (path.resolve(), root.resolve())):
            try:
                return candidate.relative_to(base).as_posix()
            except ValueError:
                continue
    return path.as_posix()


def check_file(path: FsPath, vocabulary: Vocabulary, options: rules.Options, root: FsPath | None = None,
               source: Source | None = None) -> Entry:
    """Check one case file, its name included; `source` is the file already read, if it has been."""
    display = display_name(path, root)
    source = source or read_case(path, display)
    case, problems = check_source(source, vocabulary, options)
    slug = path.stem
    if not SLUG_RE.match(slug):
        problems.insert(0, Problem(display, 1, (), f"the file name {path.name!r} cannot be a web address",
                                   f"rename it to '{suggest_slug(slug)}.md': lower-case letters, digits and "
                                   "single hyphens", code="C204"))
        case = None
    elif slug in RESERVED_SLUGS:
        problems.insert(0, Problem(display, 1, (), f"the file name {path.name!r} is taken by a page the site makes",
                                   f"rename it after what was tried, like 'housing-first-pilot.md'; these names are "
                                   f"reserved: {', '.join(sorted(RESERVED_SLUGS))}", code="C204"))
        case = None
    return Entry(slug, path, source, case, problems)


def named_organisations(sources: Iterable[Source]) -> list[str]:
    """Every organisation that a named case names, for the anonymity check of the others."""
    names: list[str] = []
    for source in sources:
        data = source.front_matter or {}
        orgs = data.get("organisations")
        if data.get("attribution") == "named" and isinstance(orgs, list):
            names += [o for o in orgs if isinstance(o, str)]
    return names


def with_organisations(options: rules.Options, sources: Iterable[Source]) -> rules.Options:
    return replace(options, organisations=privacy.organisations_pattern(named_organisations(sources)))


def suggest_slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "my-case"


def load(cases_dir: FsPath, vocabulary: Vocabulary, options: rules.Options | None = None, *,
         root: FsPath | None = None, vocabulary_file: FsPath | None = None) -> Casebook:
    """Check every file below `cases_dir`. Never raises for bad case content."""
    options = options or rules.Options()
    book = Casebook()
    files = sorted(_walk(cases_dir))
    skip = {vocabulary_file.resolve()} if vocabulary_file else set()
    stems: dict[str, list[FsPath]] = defaultdict(list)
    sources: dict[FsPath, Source] = {}
    for path in files:
        if path.is_symlink():
            book.checked += 1
            book.problems.append(Problem(display_name(path, root), 1, (),
                                         "this is a symbolic link: links in the cases folder are never followed",
                                         "replace it with the file (or the folder's files) itself", code="C205"))
            continue
        if path.resolve() in skip or (path.name in IGNORED_NAMES and path.parent == cases_dir):
            continue
        book.checked += 1
        display = display_name(path, root)
        if path.parent != cases_dir:
            book.problems.append(Problem(display, 1, (), "cases must be directly in the cases folder",
                                         f"move it to '{display_name(cases_dir / path.name, root)}'", code="C205"))
            continue
        if path.suffix != ".md":
            book.problems.append(Problem(display, 1, (),
                                         f"{path.name!r} is not a case file: only '.md' files are cases",
                                         f"rename it to '{suggest_slug(path.stem)}.md' if it is a case, "
                                         "or move it out of the cases folder", code="C205"))
            continue
        stems[path.stem.casefold()].append(path)
        sources[path] = read_case(path, display)
    options = with_organisations(options, sources.values())
    book.sources = {source.file: source for source in sources.values()}
    for path, source in sources.items():
        entry = check_file(path, vocabulary, options, root, source)
        book.problems.extend(entry.problems)
        if entry.case is not None:
            (book.drafts if entry.case.draft else book.cases).append(entry)
    for same in stems.values():
        if len(same) > 1:
            names = ", ".join(p.name for p in same)
            for path in same:
                book.problems.append(Problem(display_name(path, root), 1, (),
                                             f"these files differ only by capital letters: {names}",
                                             "give each case its own name; web addresses ignore capitals",
                                             code="C204"))
    bad = {p.file for p in book.errors}
    book.cases = [e for e in book.cases if e.file not in bad]
    book.drafts = [e for e in book.drafts if e.file not in bad]
    book.cases.sort(key=lambda e: (e.case.published, e.slug) if e.case else (None, e.slug), reverse=True)
    book.problems.sort(key=sort_key)
    return book


def _walk(folder: FsPath) -> Iterable[FsPath]:
    """Every file below `folder`, and every symbolic link (to a file or a folder), never followed."""
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        for name in filenames:
            yield FsPath(dirpath) / name
        for name in dirnames:
            if (FsPath(dirpath) / name).is_symlink():
                yield FsPath(dirpath) / name


def caused_by(book: Casebook, changed: set[str]) -> list[Problem]:
    """Problems in files outside `changed` that the changed files cause, reported on the changed files.

    Today that is one check across cases: a named case that adds an organisation which an anonymised
    case mentions would identify that case. The anonymised file is not in the pull request, so the
    problem is reported where the name was added, naming both files.
    """
    blamed: list[Problem] = []
    unchanged = [s for f, s in book.sources.items() if f not in changed]
    anonymised = [s for s in unchanged if s.front_matter and s.front_matter.get("attribution") == "anonymised"]
    already = privacy.organisations_pattern(named_organisations(unchanged))
    for file in sorted(changed):
        source = book.sources.get(file)
        data = (source.front_matter or {}) if source else {}
        orgs = data.get("organisations")
        if source is None or data.get("attribution") != "named" or not isinstance(orgs, list):
            continue
        for index, org in enumerate(orgs):
            alone = privacy.organisations_pattern([org]) if isinstance(org, str) else None
            if alone is None or (already is not None and any(already.finditer(org))):
                continue  # a case on main names it already: this pull request does not cause the clash
            for other in anonymised:
                found = [p for p in rules.check_privacy(other, other.front_matter or {}, rules.Options(
                    organisations=alone)) if "another case names" in p.message]
                if found:
                    blamed.append(source.problem(
                        ("organisations", index),
                        f"naming {quote(org)} here would identify the anonymised case {other.file}, which mentions "
                        f"it (line {found[0].line})",
                        f"the two cannot both be published as they are: leave the organisation out of this case, "
                        f"or ask the reviewers of {other.file} to describe it there without the name", code="C302"))
    return blamed
