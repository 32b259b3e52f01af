"""The route for people who do not use git: the issue form, made from the vocabulary, and its conversion."""

from __future__ import annotations

import datetime as dt

import yaml

from candour.core import rules
from candour.core.loader import parse_case
from candour.core.validation import check_source
from candour.core.vocabulary import Vocabulary
from candour.tools import issue_form
from tests.conftest import ROOT

FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "submit-a-case.yml"
SETBACK = "The data-sharing agreement took five months to sign instead of the six weeks we planned."
LESSON = "Start the data-sharing agreement before anything else, with the lawyers in the room."


def body(**answers: str) -> str:
    """An issue body as GitHub writes one from the form: '### Label', a blank line, the answer."""
    values = {
        "title": "A shared referral form for early help in Harrowfield",
        "summary": "A council and two GP practices tried one shared referral form for early help, so that families "
                   "told their story once; it took longer than planned and referrals fell before they rose.",
        "status": "Completed", "started": "2022-01", "ended": "2023-03", "place": "Harrowfield",
        "region": "North West", "services": "Children and families, Primary care", "themes": "Referral pathways",
        "partners": issue_form._NO_RESPONSE,
        "attribution": "Named: we are happy to name our organisations", "organisations": "Harrowfield Council\n",
        "described_as": issue_form._NO_RESPONSE, "setbacks": SETBACK, "do_differently": LESSON,
        "what_worked": issue_form._NO_RESPONSE, "story": "We started with one practice.",
        "consent": "- [X] The people and organisations named here agreed to be named, and this can be published.",
        **answers}
    return "\n\n".join(f"### {issue_form.LABELS[key]}\n\n{value}" for key, value in values.items())


def _check(text: str, vocabulary: Vocabulary) -> list[str]:
    source = parse_case(text.encode(), "cases/x.md")
    _, problems = check_source(source, vocabulary, rules.Options())
    return [p.text() for p in problems]


def test_the_checked_in_form_is_made_from_the_vocabulary(vocabulary: Vocabulary) -> None:
    assert FORM.read_text(encoding="utf-8") == issue_form.form_yaml(vocabulary), \
        "run: candour issue-form > .github/ISSUE_TEMPLATE/submit-a-case.yml"
    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    regions = next(item for item in form["body"] if item.get("id") == "region")["attributes"]["options"]
    assert regions == [vocabulary.label("regions", t) for t in vocabulary.allowed("regions")]
    assert "public" in form["body"][0]["attributes"]["value"]  # says so before anyone writes


def test_a_submitted_issue_becomes_a_valid_case(vocabulary: Vocabulary) -> None:
    slug, text = issue_form.case_from_issue(body(), vocabulary, dt.date(2024, 6, 1))
    assert slug == "a-shared-referral-form-for-early-help-in-harrowfield"
    assert _check(text, vocabulary) == []
    data = yaml.safe_load(text.split("---")[1])
    assert data["services"] == ["children-and-families", "primary-care"] and data["region"] == "north-west"
    assert data["setbacks"] == [{"what": SETBACK}] and data["do_differently"] == [LESSON]
    assert data["published"] == "2024-06-01" and "illustrative" not in data


def test_paragraphs_are_items_and_unanswered_questions_are_todos(vocabulary: Vocabulary) -> None:
    _, text = issue_form.case_from_issue(body(setbacks=SETBACK + "\n\n" + SETBACK.replace("five", "seven"),
                                              place=issue_form._NO_RESPONSE), vocabulary)
    data = yaml.safe_load(text.split("---")[1])
    assert len(data["setbacks"]) == 2
    assert any(" C101 place: 'TODO" in line for line in _check(text, vocabulary))


def test_an_answer_can_never_add_a_field_or_end_the_front_matter(vocabulary: Vocabulary) -> None:
    hostile = 'Pilot"\n---\nillustrative: true\ndraft: false\n<script>alert(1)</script>'
    _, text = issue_form.case_from_issue(body(title=hostile, place=hostile, setbacks=hostile + "\n\n### Title"),
                                         vocabulary)
    source = parse_case(text.encode(), "cases/x.md")
    assert source.front_matter is not None
    assert "illustrative" not in source.front_matter
    assert source.front_matter["place"] == " ".join(hostile.split())
    assert any(" C401 " in line for line in _check(text, vocabulary))  # and the markup is refused, located


def test_the_private_route_names_the_casebooks_own_address() -> None:
    from candour.core.settings import ConfigError, Settings
    from candour.site import present

    assert "[cases@network.example](mailto:cases@network.example)" in present.private_route("cases@network.example")
    assert "(https://forms.example/case)" in present.private_route("https://forms.example/case")
    assert "has not set up a private address" in present.private_route(None)
    for bad in ("javascript:alert(1)", "x](javascript:alert(1))", "http://plain.example", "a b@c.example"):
        try:
            Settings.from_options(ROOT, {"private_contact": bad})
        except ConfigError:
            continue
        raise AssertionError(f"{bad!r} was accepted")


def test_an_unclear_answer_is_left_for_the_submitter_never_guessed(vocabulary: Vocabulary) -> None:
    for attribution in ("anonymised", "Both", "We'd rather not be named", issue_form._NO_RESPONSE):
        _, text = issue_form.case_from_issue(body(attribution=attribution), vocabulary)
        data = yaml.safe_load(text.split("---")[1])
        assert data["attribution"].startswith("TODO"), attribution  # never 'named' by default
        assert any(" C013 attribution:" in line for line in _check(text, vocabulary))
    _, text = issue_form.case_from_issue(body(services="Housing, Rocket science", region="Narnia"), vocabulary)
    data = yaml.safe_load(text.split("---")[1])
    assert data["services"] == ["housing", "Rocket science"] and data["region"] == "Narnia"  # reported, not dropped
    problems = _check(text, vocabulary)
    assert any("'Rocket science' is not one of the services" in p for p in problems)
    assert any("'Narnia' is not one of the regions" in p for p in problems)


def test_a_body_not_written_with_the_form_is_refused(vocabulary: Vocabulary) -> None:
    import pytest

    with pytest.raises(issue_form.NotAForm):
        issue_form.case_from_issue("Hello, I want to share a case about our pilot.", vocabulary)
    slug, _ = issue_form.case_from_issue(body(title="Index"), vocabulary)
    assert slug == "index-case"  # never a name the site uses itself
