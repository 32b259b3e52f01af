"""The taxonomies: regions, services, themes and the kinds of organisation involved.

One registry says, for each: its vocabulary kind (also the folder of its pages on the site and
its key in data files), the case field that names its terms, its heading, its filter on the list
of cases, and the one rule for which terms a case is on. Term pages, filters, search facets,
data files and the command line all read it, so they agree on every count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Taxonomy:
    kind: str  # the vocabulary's kind: 'themes'; the folder of its pages and its key in data files
    field: str  # the case's field naming its terms: 'region' holds one, the others a list
    heading: str  # what its index page is called
    param: str  # the URL parameter of its filter on /cases/
    label: str  # the filter's label
    pages: bool  # whether each term has a page of its own
    parts: tuple[str, ...] = ()  # lists of the case whose items can name terms of their own

    def terms_of(self, case: Any) -> list[str]:
        """The terms a case is on: those its field names, then those its parts name (a setback's or a
        lesson's own themes), each once. The one rule for term pages, filters, search and counts."""
        value = getattr(case, self.field)
        terms = [value] if isinstance(value, str) else list(value)
        for part in self.parts:
            for item in getattr(case, part):
                terms += [t for t in getattr(item, self.field, ()) if t not in terms]
        return terms

    def members(self, cases: Sequence[Any]) -> dict[str, list[int]]:
        """For each term, the positions in `cases` of the cases on it (by `terms_of`), in order: one pass over
        the cases, however many terms there are."""
        found: dict[str, list[int]] = {}
        for position, case in enumerate(cases):
            for term in self.terms_of(case):
                found.setdefault(term, []).append(position)
        return found


TAXONOMIES = (
    Taxonomy("themes", "themes", "Themes", "theme", "Theme", pages=True, parts=("setbacks", "do_differently")),
    Taxonomy("services", "services", "Services", "service", "Service", pages=True),
    Taxonomy("regions", "region", "Regions", "region", "Region", pages=True),
    Taxonomy("partners", "partners", "Organisations involved", "partner", "Organisations involved", pages=False),
)
BY_KIND = {t.kind: t for t in TAXONOMIES}
BY_FIELD = {t.field: t for t in TAXONOMIES}
#: The vocabulary file's kinds, in the order it lists them.
KINDS = ("regions", "services", "themes", "partners")
