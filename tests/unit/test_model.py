"""The schema model: types, required fields, vocabularies and the JSON Schema made from it."""

from __future__ import annotations

import pytest

from candour.core.model import FIELDS, REQUIRED, case_schema
from candour.core.vocabulary import Vocabulary
from tests.conftest import GOOD, case_text, check_data, check_text


def test_the_good_case_is_valid(vocabulary: Vocabulary) -> None:
    assert check_data(vocabulary) == []


def test_required_fields_are_the_contract() -> None:
    assert set(REQUIRED) == {
        "title", "summary", "status", "started", "published", "place", "region", "services", "themes",
        "attribution", "setbacks", "do_differently",
    }
    assert {"partners", "what_worked", "updates", "reviewed", "contributors", "sources", "network",
            "illustrative", "draft", "ended", "organisations", "described_as"} <= set(FIELDS)


@pytest.mark.parametrize("field", ["setbacks", "do_differently", "title", "summary", "region"])
def test_a_missing_required_field_is_named_at_the_opening_line(vocabulary: Vocabulary, field: str) -> None:
    problems = check_data(vocabulary, **{field: None})
    assert problems[0].startswith(f"cases/x.md:1: {field}: the required field '{field}' is missing (add ")


def test_every_missing_field_is_reported_in_one_run(vocabulary: Vocabulary) -> None:
    _, problems = check_text("---\nillustrative: true\n---\n", vocabulary)
    assert {p.split(": ")[1] for p in problems} >= set(REQUIRED)


def test_empty_setbacks_list(vocabulary: Vocabulary) -> None:
    assert check_data(vocabulary, setbacks=[]) == [
        "cases/x.md:17: setbacks: needs at least one item (write one '- item' line per item, "
        "indented under the field name)"]


def test_unknown_key_gets_did_you_mean(vocabulary: Vocabulary) -> None:
    data = dict(GOOD)
    data["setback"] = data.pop("setbacks")
    _, problems = check_text(case_text(data), vocabulary)
    assert "cases/x.md:19: setback: 'setback' is not a field Candour knows (did you mean 'setbacks'?)" in problems
    assert any(p.startswith("cases/x.md:1: setbacks: the required field 'setbacks' is missing") for p in problems)


def test_unknown_key_inside_a_setback(vocabulary: Vocabulary) -> None:
    problems = check_data(vocabulary, setbacks=[{"what": GOOD["setbacks"][0]["what"], "whyy": "because of it"}])
    assert problems == ["cases/x.md:19: setbacks[0].whyy: 'whyy' is not a field Candour knows (did you mean 'why'?)"]


def test_vocabulary_typo_lists_allowed_values_and_suggests(vocabulary: Vocabulary) -> None:
    problems = check_data(vocabulary, region="east-of-englnd", themes=["referal-pathways"])
    assert problems[0].startswith("cases/x.md:9: region: 'east-of-englnd' is not one of the regions "
                                  "(did you mean 'east-of-england'? allowed: north-east, ")
    assert problems[1].startswith("cases/x.md:13: themes[0]: 'referal-pathways' is not one of the themes "
                                  "(did you mean 'referral-pathways'?")


def test_status_must_be_known(vocabulary: Vocabulary) -> None:
    assert check_data(vocabulary, status="complete") == [
        "cases/x.md:4: status: 'complete' is not allowed (did you mean 'completed'? use one of: planned, "
        "in-progress, paused, completed, stopped)"]


@pytest.mark.parametrize(("value", "message"), [
    ("2024", "'2024' is not a date"),
    ("2024-13", "'2024-13' is not a real date"),
    ("March 2024", "'March 2024' is not a date"),
    ("2024-02-30", "'2024-02-30' is not a real date"),
])
def test_started_must_be_a_year_and_month(vocabulary: Vocabulary, value: str, message: str) -> None:
    problems = check_data(vocabulary, started=value)
    assert problems and problems[0].startswith(f"cases/x.md:5: started: {message}")


def test_unquoted_year_is_explained(vocabulary: Vocabulary) -> None:
    _, problems = check_text(case_text(GOOD).replace("started: 2023-04", "started: 2023"), vocabulary)
    assert problems == ["cases/x.md:5: started: the month is missing (write it as 2023-01 (YYYY-MM) "
                        "or a full date YYYY-MM-DD)"]


@pytest.mark.parametrize("value", ["2024-06", "12 June 2024", "2024-06-12 10:00:00"])
def test_published_must_be_a_full_date(vocabulary: Vocabulary, value: str) -> None:
    text = case_text(GOOD).replace("published: '2024-06-12'", f"published: {value}")
    _, problems = check_text(text, vocabulary)
    assert len(problems) == 1 and problems[0].startswith("cases/x.md:7: published: ")


def test_yaml_dates_and_quoted_dates_both_work(vocabulary: Vocabulary) -> None:
    text = case_text(GOOD).replace("published: '2024-06-12'", "published: 2024-06-12")
    assert check_text(text, vocabulary)[1] == []


@pytest.mark.parametrize(("changes", "expected"), [
    ({"title": True}, "title: should be text, but it reads as yes/no (put the text in quotes"),
    ({"place": 1984}, "place: should be text, but it reads as a number (put the text in quotes"),
    ({"services": "housing"},
     "services: should be a list of services from the vocabulary, but it is a piece of text (write it as: "
     "services: [housing])"),
    ({"do_differently": None}, "do_differently: the required field"),
    ({"setbacks": ["The agreement took five months to sign instead of six weeks."]},
     "setbacks[0]: each setback needs fields, but this one is a piece of text (write it as '- what: ...'"),
    ({"illustrative": "yes please"}, "illustrative: should be true or false"),
    ({"title": "Too short"}, "title: is 9 characters; it needs at least 10"),
    ({"title": "A long title" * 13}, "title: is 156 characters; it can be at most 150"),
])
def test_wrong_types_get_plain_words(vocabulary: Vocabulary, changes: dict, expected: str) -> None:
    problems = check_data(vocabulary, **changes)
    assert any(expected in p for p in problems), problems


def test_empty_value_is_called_empty(vocabulary: Vocabulary) -> None:
    _, problems = check_text(case_text(GOOD).replace("place: Harrowfield", "place:"), vocabulary)
    # 'place' is required: the advice never suggests removing it.
    assert problems == ["cases/x.md:8: place: is empty (write the text after the colon)"]



@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "example.org/x", "data:text/html,x"])
def test_sources_must_be_web_links(vocabulary: Vocabulary, url: str) -> None:
    problems = check_data(vocabulary, sources=[{"title": "Report", "url": url}])
    assert len(problems) == 1 and "sources[0].url: " in problems[0] and "is not a web address" in problems[0]


def test_schema_has_vocabulary_enums_and_required_fields(vocabulary: Vocabulary) -> None:
    schema = case_schema(vocabulary)
    assert set(schema["required"]) == set(REQUIRED)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["region"]["enum"] == vocabulary.allowed("regions")
    assert schema["properties"]["themes"]["items"]["enum"] == vocabulary.allowed("themes")
    setback = schema["$defs"]["Setback"]
    assert setback["properties"]["themes"]["items"]["enum"] == vocabulary.allowed("themes")
    assert setback["required"] == ["what"]
