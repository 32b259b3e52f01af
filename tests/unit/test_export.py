"""Open data and feeds: complete, absolute, valid, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from candour.core.casebook import load, related_cases
from candour.core.model import FIELDS, Case, case_schema
from candour.core.vocabulary import Vocabulary
from candour.site import export
from tests.conftest import ROOT, example_cases, good

BASE = "https://cases.example.org/"
EXAMPLE_COUNT = sum(not case.get("draft") for case in example_cases().values())  # the published examples
NS = {"a": export.ATOM}


@pytest.fixture(scope="module")
def items(vocabulary: Vocabulary) -> list[export.Published]:
    book = load(ROOT / "cases", vocabulary, root=ROOT, vocabulary_file=ROOT / "cases" / "vocabulary.yml")
    return [export.Published(e.slug, f"{BASE}cases/{e.slug}/", e.case) for e in book.cases if e.case]


def test_cases_json_has_every_field_and_the_url(items: list[export.Published]) -> None:
    data = json.loads(export.cases_json(items))
    assert data["count"] == len(items) == EXAMPLE_COUNT
    for record, item in zip(data["cases"], items, strict=True):
        assert record["url"] == item.url and record["url"].startswith(BASE)
        expected = set(FIELDS) - {"draft"}
        if record["attribution"] == "anonymised":
            expected -= {"organisations", "contributors"}
        assert expected <= set(record)
        assert Case.model_validate({k: v for k, v in record.items() if k not in ("slug", "url")})


def test_cases_csv_one_row_per_case(items: list[export.Published]) -> None:
    rows = list(csv.DictReader(io.StringIO(export.cases_csv(items))))
    assert len(rows) == EXAMPLE_COUNT
    assert list(rows[0]) == list(export.CSV_COLUMNS)
    housing = next(r for r in rows if r["slug"] == "housing-first-pilot")
    assert housing["services"] == "homelessness | housing | mental-health"
    assert housing["organisations"] == ""
    assert housing["setbacks"].startswith("The funding ran out eighteen months in")


def test_csv_cells_never_start_a_formula() -> None:
    case = Case.model_validate(good(place="=HYPERLINK(\"http://evil\")", what_worked=["+1 for the team approach"]))
    rows = list(csv.DictReader(io.StringIO(export.cases_csv([export.Published("x", BASE + "x/", case)]))))
    assert rows[0]["place"].startswith("'=")
    assert rows[0]["what_worked"].startswith("'+")


def test_atom_feed_is_valid_with_absolute_links(items: list[export.Published]) -> None:
    text = export.atom_feed(items, BASE, "Candour")
    root = ET.fromstring(text.encode())
    assert root.tag == f"{{{export.ATOM}}}feed"
    entries = root.findall("a:entry", NS)
    updates = sum(len(i.case.updates) for i in items)
    assert len(entries) == min(export.FEED_ENTRIES, len(items) + updates)
    stamps = [e.findtext("a:updated", namespaces=NS) for e in entries]
    assert stamps == sorted(stamps, reverse=True)
    for entry in entries:
        assert entry.find("a:link", NS).get("href").startswith(BASE)  # type: ignore[union-attr]
        assert entry.findtext("a:id", namespaces=NS)
        assert entry.findtext("a:title", namespaces=NS)
    titles = [e.findtext("a:title", namespaces=NS) for e in entries]
    assert "Update: Social prescribing link workers across Copperdale's GP practices" in titles


def test_feed_is_bounded(items: list[export.Published]) -> None:
    many = [export.Published(f"c{i}", f"{BASE}c{i}/", items[0].case) for i in range(200)]
    root = ET.fromstring(export.atom_feed(many, BASE, "Candour").encode())
    assert len(root.findall("a:entry", NS)) == export.FEED_ENTRIES


def test_schema_file_is_the_models_schema(vocabulary: Vocabulary) -> None:
    assert json.loads(export.schema_json(vocabulary)) == case_schema(vocabulary)


def test_related_cases_share_the_most_terms(vocabulary: Vocabulary) -> None:
    book = load(ROOT / "cases", vocabulary, root=ROOT, vocabulary_file=ROOT / "cases" / "vocabulary.yml")
    related = related_cases(book.cases)
    assert set(related) == {e.slug for e in book.cases}
    for entry in book.cases:
        assert entry.case is not None
        mine = set(entry.case.themes) | set(entry.case.services)
        others = related[entry.slug]
        assert len(others) <= 3 and entry.slug not in {o.slug for o in others}
        shared = [len(mine & (set(o.case.themes) | set(o.case.services))) for o in others if o.case]
        assert shared == sorted(shared, reverse=True) and all(n > 0 for n in shared)
        best_possible = max(len(mine & (set(o.case.themes) | set(o.case.services)))
                            for o in book.cases if o.case and o.slug != entry.slug)
        if shared:
            assert shared[0] == best_possible
