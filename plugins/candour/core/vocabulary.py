"""The controlled vocabularies (regions, services, themes, partners), from one YAML data file.

Maintainers add a term by editing that file, never Python. Each vocabulary maps a term, the
value written in a case (`east-of-england`), to the label readers see (`East of England`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path as FsPath

from . import plain_text
from .loader import UnreadableFile, parse_yaml, read_bytes
from .problems import Problem
from .taxonomy import KINDS

TERM_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Longest label: labels appear in filters, headings and the header.
MAX_LABEL = 80
#: Most terms of one kind: each term is a page of the site, and a filter option on every listing.
MAX_TERMS = 300


@dataclass(frozen=True)
class Vocabulary:
    """Allowed terms of each kind, in file order, with their labels."""

    terms: dict[str, dict[str, str]]

    def allowed(self, kind: str) -> list[str]:
        return list(self.terms.get(kind, {}))

    def label(self, kind: str, term: str) -> str:
        return self.terms.get(kind, {}).get(term, term)

    def __contains__(self, item: tuple[str, str]) -> bool:
        kind, term = item
        return term in self.terms.get(kind, {})


class VocabularyError(Exception):
    """The vocabulary file itself is broken; carries its located problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.text() for p in problems))
        self.problems = problems


def default_label(term: str) -> str:
    """The label of a term given without one: 'east-of-england' -> 'East of england'."""
    return term.replace("-", " ").capitalize()


def load_vocabulary(path: FsPath, display: str) -> Vocabulary:
    """Load and check the vocabulary file; raise `VocabularyError` with every problem found."""
    try:
        data = read_bytes(path)
    except UnreadableFile as exc:
        raise VocabularyError([Problem(display, 1, (), f"the vocabulary file: {exc.message}",
                                       f"{exc.hint}; the plugin's 'vocabulary' option in mkdocs.yml names it",
                                       code="C902")]) \
            from None
    source = parse_yaml(data, display)
    problems = [p for p in source.problems if p.severity == "error"]  # a note after '#' is fine here
    doc = source.front_matter
    terms: dict[str, dict[str, str]] = {}
    if doc is not None:
        for kind in KINDS:
            if kind not in doc:
                problems.append(source.problem((kind,), f"the '{kind}' vocabulary is missing",
                                               f"add '{kind}:' with one 'term: Label' line per allowed value",
                                               code="C902"))
                continue
            terms[kind] = _read_kind(source, kind, doc[kind], problems)
        for extra in doc:
            if extra not in KINDS:
                problems.append(source.problem((str(extra),), "this is not a vocabulary Candour knows",
                                               f"use one of: {', '.join(KINDS)}", code="C902"))
    if problems:
        raise VocabularyError(problems)
    return Vocabulary(terms)


def _read_kind(source, kind: str, value: object, problems: list[Problem]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    out: dict[str, str] = {}
    if isinstance(value, list):  # a plain list of terms: labels are made from the terms
        items = [(i, term, None) for i, term in enumerate(value)]
    elif isinstance(value, dict) and value:
        items = [(term, term, label) for term, label in value.items()]
    else:
        problems.append(source.problem((kind,), f"'{kind}' must list at least one term",
                                       "write one 'term: Label' line per allowed value, indented under it",
                                       code="C902"))
        return out
    if len(items) > MAX_TERMS:
        problems.append(source.problem((kind,), f"'{kind}' has {len(items):,} terms; at most {MAX_TERMS}",
                                       "each term is a page of the site: keep the list to the terms readers use",
                                       code="C902"))
        return out
    facets: dict[str, str] = {}  # each label as a search filter shows it -> its term
    for key, term, label in items:
        path = (kind, key)
        if not isinstance(term, str) or not TERM_RE.match(term):
            problems.append(source.problem(path, f"{term!r} is not a valid term",
                                           "use lower-case letters, digits and single hyphens, like 'east-of-england'",
                                           code="C902"))
            continue
        if label is None:
            label = default_label(term)
        if not isinstance(label, str) or not label.strip():
            problems.append(source.problem(path, "the label must be text", "write it as 'term: Label for readers'",
            code="C902"))
            continue
        issue = plain_text.plain_text_issue(label)
        if issue is None and len(label.strip()) > MAX_LABEL:
            issue = (f"the label is {len(label.strip())} characters; at most {MAX_LABEL}", "shorten it")
        if issue is not None:
            message, hint = issue
            if "HTML tag" in message:  # a label has no formatting at all, unlike a case's story
                hint = "remove the tag: a label is plain text, shown as typed"
            problems.append(source.problem(path, message, hint, code="C902"))
            continue
        facet = plain_text.search_facet(label)
        if facet in facets:
            problems.append(source.problem(
                path, f"the label {label.strip()!r} is the same as the label of '{facets[facet]}' in search's "
                      f"filters (both read {facet!r}), so readers could not tell the two apart",
                "give each term a label of its own", code="C902"))
            continue
        facets[facet] = term
        out[term] = label.strip()
    return out
