"""An anonymised case must not give its authors away; a named case is warned about personal contacts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from candour.core import casebook
from candour.core.vocabulary import Vocabulary
from tests.conftest import ROOT, case_text, check_text, good, without_code, write_case

ANON = {"attribution": "anonymised", "organisations": None, "described_as": "A district council in the East"}


def anonymised(vocabulary: Vocabulary, body: str = "Text.\n", **changes: object) -> list[str]:
    return check_text(case_text(good(**{**ANON, **changes}), body), vocabulary)[1]


@pytest.mark.parametrize(("text", "kind"), [
    ("Contact jo.bloggs@harrowfield.gov.uk for details", "an email address"),
    ("Call the team on 01632 960123 any weekday", "a phone number"),
    ("Call the team on +44 20 7946 0958 any weekday", "a phone number"),
    ("Text 07700 900123 for an appointment", "a phone number"),
    ("Our office at CO4 3SQ hosted the meetings", "a full postcode"),
    ("Follow @harrowfield_cc for updates on the pilot", "a social-media handle"),
    ("See linkedin.com/in/jo-bloggs for the lead", "a social-media profile"),
])
def test_anonymised_case_rejects_identifying_details(vocabulary: Vocabulary, text: str, kind: str) -> None:
    in_place = anonymised(vocabulary, place=text)
    assert len(in_place) == 1 and f"place: an anonymised case must not contain {kind}" in in_place[0], in_place
    in_body = anonymised(vocabulary, body=f"First line.\n\n{text}.\n")
    assert len(in_body) == 1 and in_body[0].startswith("cases/x.md:23: an anonymised case must not contain " + kind)


@pytest.mark.parametrize("text", [
    "The council spent 2024-25 on it, about 1,200 hours and £35,000.",
    "We met 12 times between 2023 and 2024; the board had 9 members.",
    "Referrals rose from 120 to 360 a month, at a cost of 0.5 FTE.",
    "The CO2 figures and the A14 road works delayed the move.",
])
def test_ordinary_numbers_are_not_taken_for_contacts(vocabulary: Vocabulary, text: str) -> None:
    assert anonymised(vocabulary, place=text) == []


def test_anonymised_case_must_not_name_an_organisation_another_case_names(
        tmp_path: Path, vocabulary: Vocabulary) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(ROOT / "cases" / "vocabulary.yml", cases)
    write_case(cases, "named-one.md", good(organisations=["Seaport Borough Council"]))
    write_case(cases, "anon-one.md", good(**ANON), body="We worked with seaport  borough council on housing.\n")
    book = casebook.load(cases, vocabulary, root=tmp_path, vocabulary_file=cases / "vocabulary.yml")
    assert [without_code(p) for p in book.errors] == [
        "cases/anon-one.md:21: an anonymised case must not contain the name of an organisation that another case "
        "names ('seaport borough council') (remove it, or describe it without identifying anyone)"]


def test_named_case_is_warned_about_personal_contacts(vocabulary: Vocabulary) -> None:
    problems = check_text(case_text(good(), "Email jo.bloggs@example.org or info@example.org, or 01632 960123.\n"),
                          vocabulary)[1]
    assert problems == [
        "cases/x.md:22: warning: this case publishes a personal email address ('jo.bloggs@example.org') "
        "(check that the person agreed to it being public, or use a shared team address)",
        "cases/x.md:22: warning: this case publishes a phone number ('01632 960123') "
        "(check that the person agreed to it being public, or use a shared team address)",
    ]


def test_the_example_cases_leak_nothing(vocabulary: Vocabulary) -> None:
    book = casebook.load(ROOT / "cases", vocabulary, root=ROOT, vocabulary_file=ROOT / "cases" / "vocabulary.yml")
    assert book.problems == []


def test_organisation_names_match_whole_words_within_a_sentence() -> None:
    from candour.core.privacy import OrganisationNames

    names = OrganisationNames(["Seaport Borough Council", "Seaport Trust"])
    assert [found for _, found in names.finditer("We met SEAPORT\nborough  council and Seaport Trust.")] == [
        "SEAPORT\nborough  council", "Seaport Trust"]
    assert list(names.finditer("We left Seaport. Borough council staff met us, and Seaportal Trust.")) == []


# The same detail, written every way a reader would still recognise it: entities, other spacing and
# separators, full-width and spelled-out symbols, URL escapes, invisible characters.
@pytest.mark.parametrize(("text", "kind"), [
    ("Write to jane.smith&#64;harrowfield.gov.uk please", "an email address"),
    ("Write to jane.smith&#x40;harrowfield.gov.uk please", "an email address"),
    ("Write to jane.smith&commat;harrowfield.gov.uk please", "an email address"),
    ("Write to jane.smith\uff20harrowfield.gov.uk please", "an email address"),
    ("Write to jane dot smith at harrowfield dot gov dot uk please", "an email address, written out in words"),
    ("Write to jane (at) harrowfield (dot) org please", "an email address, written out in words"),
    ("Write to jane [at] harrowfield [dot] gov [dot] uk please", "an email address, written out in words"),
    ("[Write to us](mailto:jane%40harrowfield.example)", "an email address"),
    ("Write to jane.smith@harrow\u200bfield.example please", "an email address"),
    ("Our office at SW1A&#32;1AA hosted it", "a full postcode"),
    ("Our office at SW1A\u00a01AA hosted it", "a full postcode"),
    ("Our office at SW1A  1AA hosted it", "a full postcode"),
    ("Our office at SW1A-1AA hosted it", "a full postcode"),
    ("Our office at sw1a 1aa hosted it", "a full postcode"),
    ("Ring 07700&nbsp;900123 for help", "a phone number"),
    ("Ring 020.7946.0000 for help", "a phone number"),
    ("Ring 020/7946/0000 for help", "a phone number"),
    ("Ring (020) 7946-0000 for help", "a phone number"),
    ("Ring +44 (0)20 7946 0000 for help", "a phone number"),
    ("Ring \uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13 for help", "a phone number"),
    ("See https://www.harrowfield.gov.uk/early-help for the form", "the web address of a local public body"),
    ("See https://harrowfieldccg.nhs.uk/ for the form", "the web address of a local public body"),
    ("See facebook.com/harrowfieldcouncil for the form", "a social-media profile"),
    ("See https://bsky.app/profile/jo.example for the thread", "a social-media profile"),
])
def test_every_spelling_of_a_detail_is_caught(vocabulary: Vocabulary, text: str, kind: str) -> None:
    in_body = anonymised(vocabulary, body=f"First line.\n\n{text}.\n")
    assert any(p.startswith("cases/x.md:23: an anonymised case must not contain " + kind) for p in in_body), in_body


@pytest.mark.parametrize("url", [
    "https://www.harrowfield.gov.uk/reports/pilot.pdf",     # the council's own site
    "https://www.linkedin.com/in/jo-bloggs",                # a person's profile
    "https://example.org/contact?email=jo.bloggs%40harrowfield.example",  # an address inside the link
])
def test_every_source_link_of_an_anonymised_case_is_checked(vocabulary: Vocabulary, url: str) -> None:
    problems = anonymised(vocabulary, sources=[{"title": "Evaluation report", "url": url}])
    assert any("sources[0].url: an anonymised case must not contain" in p for p in problems), problems


@pytest.mark.parametrize("url", ["https://www.gov.uk/government/publications/x", "https://www.england.nhs.uk/x/",
                                 "https://example.org/report.pdf", "https://www.legislation.gov.uk/ukpga/2014/23"])
def test_national_and_neutral_sources_pass(vocabulary: Vocabulary, url: str) -> None:
    assert anonymised(vocabulary, sources=[{"title": "Guidance on the duty", "url": url}]) == []


@pytest.mark.parametrize("text", [
    "We met at the library. Nothing else was open.",
    "We looked at data dot gov for the national numbers.",
    "The team of 12 met at 9 on Mondays, 0.5 FTE each.",
    "A ratio of 3:1 and a cost of £1,200 per place.",
    "It cost 20% more than planned (about £4,000).",
])
def test_honest_text_in_anonymised_cases_passes(vocabulary: Vocabulary, text: str) -> None:
    assert anonymised(vocabulary, body=f"{text}\n") == []


@pytest.mark.parametrize("written", [
    "Seaport-Borough-Council", "seaport_borough_council", "Seaport&nbsp;Borough&nbsp;Council",
    "Sea\u200bport Borough Council", "![logo](images/seaport-borough-council.png)",
    "[their site](https://seaport-borough-council.example/about)", "https://seaportboroughcouncil.example/",
    "Seaport%20Borough%20Council",
])
def test_an_organisation_another_case_names_is_caught_however_written(
        tmp_path: Path, vocabulary: Vocabulary, written: str) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    write_case(cases, "named.md", good(organisations=["Seaport Borough Council"]))
    write_case(cases, "anon.md", good(**ANON), body=f"We worked with them.\n\n{written}\n")
    book = casebook.load(cases, vocabulary, root=tmp_path)
    problems = [without_code(p) for p in book.errors if p.file == "cases/anon.md"]
    assert problems and all(":23: an anonymised case must not contain" in p for p in problems), problems


def test_a_sentence_break_is_not_a_name(tmp_path: Path, vocabulary: Vocabulary) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    write_case(cases, "named.md", good(organisations=["Seaport Borough Council"]))
    write_case(cases, "anon.md", good(**ANON), body="We moved to Seaport. Borough council staff helped.\n")
    assert [p for p in casebook.load(cases, vocabulary, root=tmp_path).errors if p.file == "cases/anon.md"] == []


# Found by an outside attack: details split by formatting, lookalike letters, other separators.
@pytest.mark.parametrize(("text", "kind"), [
    ("Write to jane.smith@<span>harrowfield.example</span> please", "an email address"),
    ("Write to jane.smith@*harrowfield.example* please", "an email address"),
    ("Call 01632 *960* 123 please", "a phone number"),
    ("Our office is at SW1A *1AA* now", "a full postcode"),
    ("Call 01632 \u2013 960123 please", "a phone number"),
    ("Call 0044 1632 960123 please", "a phone number"),
    ("Call 01632\u2011960\u2011123 please", "a phone number"),
    ("Write to jane.smith @ harrowfield . org please", "an email address"),
    ("Write to jane.smith@harrow\U000e0020field.example please", "an email address"),
    ("Write to jane.smith@harrow\U000e0100field.example please", "an email address"),
    ("Our office is at SW1\u0410 1\u0410\u0410 now", "a full postcode"),
    ("See reddit.com/user/janesmith for the thread", "a social-media profile"),
    ("See github.com/janesmith for the code", "a social-media profile"),
    ("See t.me/janesmith for the chat", "a social-media profile"),
    ("The plan is at harrowfield.gov.uk/housing now", "the web address of a local public body"),
    ("The plan is at https://harrowfield\u3002gov\u3002uk/ now", "the web address of a local public body"),
])
def test_formatting_and_lookalikes_do_not_hide_a_detail(vocabulary: Vocabulary, text: str, kind: str) -> None:
    in_body = anonymised(vocabulary, body=f"First line.\n\n{text}.\n")
    assert any(f"an anonymised case must not contain {kind}" in p for p in in_body), in_body


def test_a_source_link_read_the_way_a_browser_reads_it(vocabulary: Vocabulary) -> None:
    problems = anonymised(vocabulary, sources=[{"title": "Plan", "url": "https://harrowfield.gov.uk\\housing"}])
    assert any("sources[0].url:" in p for p in problems), problems


@pytest.mark.parametrize("named", ["Crisis", "Mind", "Shelter", "Local Authority", "NHS Trust"])
def test_ordinary_words_are_not_taken_for_a_named_organisation(
        tmp_path: Path, vocabulary: Vocabulary, named: str) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    write_case(cases, "named.md", good(organisations=[named]))
    write_case(cases, "anon.md", good(**ANON), body=(
        "Two tenants went through a crisis. Bear in mind the shelter was full. The local authority and the "
        "nhs trust paid. Crisis support came later. Mind you, it helped.\n"))
    assert [p.text() for p in casebook.load(cases, vocabulary, root=tmp_path).errors] == []


@pytest.mark.parametrize("url", ["https://lginform.local.gov.uk/reports", "https://www.nhsbsa.nhs.uk/x",
                                 "https://www.hee.nhs.uk/x", "https://www.ukhsa.gov.uk/x",
                                 "https://www.gov.uk/guidance/x"])
def test_national_bodies_sites_are_not_local(vocabulary: Vocabulary, url: str) -> None:
    assert anonymised(vocabulary, sources=[{"title": "National guidance", "url": url}]) == []
