"""The views the templates get: dates in words, labels, facets, the filter index, and what anonymity hides."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from candour.core.model import Case
from candour.core.taxonomy import BY_KIND, KINDS, TAXONOMIES
from candour.core.vocabulary import Vocabulary
from candour.site import present

from ..conftest import good


def case(**changes: Any) -> Case:
    return Case.model_validate(good(**changes))


@pytest.mark.parametrize(("value", "words"), [
    ("2024-03", "March 2024"), ("2024-03-05", "5 March 2024"), (dt.date(2023, 12, 31), "31 December 2023"),
])
def test_dates_in_words(value: str | dt.date, words: str) -> None:
    assert present.long_date(value) == words


@pytest.mark.parametrize(("changes", "period"), [
    ({"status": "completed", "started": "2023-04", "ended": "2024-03"}, "April 2023 to March 2024"),
    ({"status": "in-progress", "ended": None}, "Since April 2023"),
    ({"status": "paused", "ended": None}, "Since April 2023"),
    ({"status": "planned", "ended": None}, "From April 2023"),
])
def test_the_period_says_whether_the_work_goes_on(changes: dict[str, Any], period: str) -> None:
    assert present.period(case(**changes)) == period


def test_a_summary_has_labels_from_the_vocabulary(vocabulary: Vocabulary) -> None:
    view = present.case_summary(case(partners=["nhs-trust"]), "cases/x/", vocabulary)
    assert view["region"] == {"term": "east-of-england", "label": "East of England", "facet": "East of England"}
    assert [t["label"] for t in view["themes"]] == ["Referral pathways"]
    assert view["status_label"] == "Completed" and view["url"] == "cases/x/"


def test_updated_is_the_newest_of_published_reviewed_and_journal(vocabulary: Vocabulary) -> None:
    view = present.case_summary(case(reviewed="2024-09-01", updates=[{"date": "2025-01", "note": "Extended."}]),
                                "", vocabulary)
    assert (view["updated"], view["updated_label"]) == ("2025-01-01", "1 January 2025")
    assert view["published"] == "2024-06-12"


def test_an_anonymised_case_view_names_no_one(vocabulary: Vocabulary) -> None:
    view = present.case_view(case(attribution="anonymised", organisations=None, described_as="A council",
                                  contributors=[{"name": "Ann Example", "role": "Lead"}]), vocabulary)
    assert view["who"] is None and view["contributors"] == []
    named = present.case_view(case(contributors=[{"name": "Ann Example", "role": "Lead"}]), vocabulary)
    assert named["who"] == ["Harrowfield District Council"] and named["contributors"][0]["name"] == "Ann Example"


def test_the_journal_is_newest_first(vocabulary: Vocabulary) -> None:
    view = present.case_view(case(updates=[{"date": "2024-01", "note": "First."}, {"date": "2024-05-02",
                                                                                   "note": "Second."}]), vocabulary)
    assert [u["date_label"] for u in view["updates"]] == ["2 May 2024", "January 2024"]


def test_facets_count_cases_and_keep_the_vocabularys_order(vocabulary: Vocabulary) -> None:
    listing = [present.case_summary(case(region=r, themes=t), "", vocabulary) for r, t in
               [("london", ["funding"]), ("north-east", ["funding", "workforce"]), ("london", ["workforce"])]]
    facets = {f["param"]: f for f in present.facets(listing, vocabulary)}
    assert [f["param"] for f in present.facets(listing, vocabulary)] == ["region", "service", "theme", "partner",
                                                                         "status"]
    assert [(o["value"], o["count"]) for o in facets["region"]["options"]] == [("north-east", 1), ("london", 2)]
    assert {o["value"]: o["count"] for o in facets["theme"]["options"]} == {"funding": 2, "workforce": 2}
    assert facets["partner"]["options"] == []  # only values that occur
    assert facets["status"]["options"] == [{"value": "completed", "label": "Completed", "count": 3}]


def test_the_filter_index_numbers_terms_by_their_place_in_the_vocabulary(vocabulary: Vocabulary) -> None:
    listing = [present.case_summary(case(region="london", services=["housing", "public-health"]), "cases/a/",
                                    vocabulary)]
    index = json.loads(present.filter_index(listing, vocabulary))
    row = index["cases"][0]
    assert row[:4] == [listing[0]["title"], "cases/a/", listing[0]["summary"], "completed"]
    assert index["terms"]["region"][row[4]] == "london"
    assert [index["terms"]["services"][i] for i in row[5]] == ["housing", "public-health"]
    assert index["labels"]["region"][row[4]] == "London"


def test_the_taxonomy_registry_covers_every_vocabulary_kind_once() -> None:
    assert sorted(KINDS) == sorted(t.kind for t in TAXONOMIES)
    assert len({t.param for t in TAXONOMIES}) == len(TAXONOMIES)
    assert BY_KIND["regions"].terms_of(case(region="london")) == ["london"]
    assert BY_KIND["themes"].terms_of(case(themes=["funding", "workforce"])) == ["funding", "workforce"]


def test_the_private_route_links_the_address_it_was_given() -> None:
    assert "[cases@network.example](mailto:cases@network.example)" in present.private_route("cases@network.example")
    assert "[https://forms.example/case](https://forms.example/case)" in \
        present.private_route("https://forms.example/case")
    assert "has not set up a private address" in present.private_route(None)


def test_the_field_reference_has_a_row_per_field_with_when_it_is_required(vocabulary: Vocabulary) -> None:
    from candour.core.model import FIELDS, REQUIRED, case_schema

    rows = {r["name"]: r for r in present.field_reference(case_schema(vocabulary))}
    assert set(rows) == set(FIELDS)
    assert all(rows[name]["required"] == "yes" for name in REQUIRED)
    assert rows["ended"]["required"].startswith("when ")
    assert "london" in rows["region"]["allowed"]
    assert {p["name"] for p in rows["setbacks"]["parts"]} >= {"what", "why", "impact", "response"}
