"""Waivers: honest text a judgement rule still refuses gets through, in the open, and nothing else does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from candour.core import rules, waivers
from candour.core.loader import parse_case
from candour.core.problems import Problem, markdown_table
from candour.core.validation import check_source
from candour.core.vocabulary import Vocabulary
from tests.conftest import case_text, good, write_case
from tests.integration.test_cli import run, site  # noqa: F401

# Honest, but the rule cannot see it: the account is in a sentence the rule has no word for.
DENIAL = "There were no problems with the form. Tenants phoned the repairs line as they always had."
REASON = "The second sentence is the setback: nobody moved to the new form at all."


def _check(vocabulary: Vocabulary, allow: bool = True, body: str = "Story.\n",
           **changes: Any) -> tuple[bool, list[Problem]]:
    source = parse_case(case_text(good(**changes), body).encode(), "cases/x.md")
    case, problems = check_source(source, vocabulary, rules.Options(allow_waivers=allow))
    return case is not None, problems


def _setbacks() -> list[dict[str, str]]:
    return [{"what": DENIAL}]


def test_without_a_waiver_the_rule_refuses_it(vocabulary: Vocabulary) -> None:
    ok, problems = _check(vocabulary, setbacks=_setbacks())
    assert not ok and [p.code for p in problems] == ["C102"]


def test_a_waiver_lets_it_through_and_says_so(vocabulary: Vocabulary) -> None:
    ok, problems = _check(vocabulary, setbacks=_setbacks(),
                          waivers=[{"rule": "C102", "field": "setbacks[0].what", "reason": REASON}])
    assert ok
    [waived] = problems
    assert (waived.code, waived.severity, waived.field) == ("C102", "waived", "setbacks[0].what")
    assert waived.hint == f"waived: {REASON}"
    assert waived.text().startswith("cases/x.md:") and ": waived: C102 setbacks[0].what: this says nothing went wrong" \
        in waived.text()
    assert waived.github().startswith("::notice ")
    table = markdown_table(problems, {"line": "1 file checked"})
    assert "### Waivers (1)" in table and REASON in table


@pytest.mark.parametrize(("waiver", "part", "words"), [
    ({"rule": "C301", "field": "setbacks[0].what", "reason": REASON}, "rule", "C301 cannot be waived"),
    ({"rule": "C010", "field": "setbacks", "reason": REASON}, "rule", "C010 cannot be waived"),
    ({"rule": "C402", "field": "story", "reason": REASON}, "rule", "C402 cannot be waived"),
    ({"rule": "C101", "field": "place", "reason": REASON}, "rule", "C101 cannot be waived for place"),
    ({"rule": "C12", "field": "setbacks[0].what", "reason": REASON}, "rule", "'C12' is not a rule code"),
    ({"rule": "C102", "field": "setbacks[3].what", "reason": REASON}, "field", "this case has no field"),
    ({"rule": "C102", "field": "setbacks[0]..what", "reason": REASON}, "field", "this case has no field"),
    ({"rule": "C102", "field": "waivers[0].reason", "reason": REASON}, "field", "this case has no field"),
    ({"rule": "C102", "field": "setbacks[0].what", "reason": "It is fine."}, "reason", "does not say why"),
    ({"rule": "C102", "field": "setbacks[0].what", "reason": "TBC"}, "reason", "does not say why"),
    ({"rule": "C102", "field": "setbacks[0].what", "reason": "To be added later once the reviewer has had a look."},
     "reason", "does not say why"),
    ({"rule": "C102", "field": "setbacks[0].what", "reason": "See the email thread with the reviewer for the reasons."},
     "reason", "does not say why"),
    ({"rule": "C102", "field": "setbacks[0].what", "reason": DENIAL}, "reason", "does not say why"),
])
def test_a_waiver_that_cannot_be_used_is_an_error_and_waives_nothing(
        vocabulary: Vocabulary, waiver: dict[str, str], part: str, words: str) -> None:
    ok, problems = _check(vocabulary, setbacks=_setbacks(), waivers=[waiver])
    assert not ok
    assert any(p.code == "C102" and p.severity == "error" for p in problems), problems
    [bad] = [p for p in problems if p.code == "C901"]
    assert bad.path == ("waivers", 0, part) and words in bad.message, bad


def test_a_waiver_covers_one_rule_on_one_field(vocabulary: Vocabulary) -> None:
    setbacks = [{"what": DENIAL}, {"what": "Nothing went wrong and everything went to plan all year."}]
    ok, problems = _check(vocabulary, setbacks=setbacks,
                          waivers=[{"rule": "C102", "field": "setbacks[0].what", "reason": REASON}])
    assert not ok
    assert [(p.field, p.severity) for p in problems if p.code == "C102"] == [
        ("setbacks[0].what", "waived"), ("setbacks[1].what", "error")]


def test_a_waiver_that_is_no_longer_needed_is_a_warning(vocabulary: Vocabulary) -> None:
    ok, problems = _check(vocabulary, waivers=[{"rule": "C102", "field": "setbacks[0].what", "reason": REASON}])
    assert ok
    [unneeded] = problems
    assert (unneeded.code, unneeded.severity) == ("C901", "warning") and "not needed" in unneeded.message


def test_a_waiver_for_the_wrong_rule_names_the_right_one(vocabulary: Vocabulary) -> None:
    ok, problems = _check(vocabulary, setbacks=_setbacks(),
                          waivers=[{"rule": "C103", "field": "setbacks[0].what", "reason": REASON}])
    assert not ok
    [hint] = [p.hint for p in problems if p.code == "C901"]
    assert hint == "the rule that applies there is C102: name it instead"


def test_a_waiver_for_a_whole_entry_names_the_field_inside_it(vocabulary: Vocabulary) -> None:
    ok, problems = _check(vocabulary, setbacks=_setbacks(),
                          waivers=[{"rule": "C102", "field": "setbacks[0]", "reason": REASON}])
    assert not ok
    [hint] = [p.hint for p in problems if p.code == "C901"]
    assert hint == "C102 applies to setbacks[0].what: name that field instead"


def test_a_repeated_waiver_says_so(vocabulary: Vocabulary) -> None:
    waiver = {"rule": "C102", "field": "setbacks[0].what", "reason": REASON}
    ok, problems = _check(vocabulary, setbacks=_setbacks(), waivers=[waiver, dict(waiver)])
    assert ok
    assert [(p.code, p.severity, p.message) for p in problems if p.code == "C901"] == [
        ("C901", "warning", "this waiver repeats waivers[0]")]


def test_the_story_can_be_waived_by_name(vocabulary: Vocabulary) -> None:
    body = "TODO: was the sign on the office door for a year, and nobody took it down.\n"
    ok, problems = _check(vocabulary, body=body, waivers=[
        {"rule": "C106", "field": "story", "reason": "The line quotes the sign on the door; it is not a gap."}])
    assert ok and [(p.code, p.severity) for p in problems] == [("C106", "waived")]


def test_waivers_can_be_switched_off(vocabulary: Vocabulary) -> None:
    ok, problems = _check(vocabulary, allow=False, setbacks=_setbacks(),
                          waivers=[{"rule": "C102", "field": "setbacks[0].what", "reason": REASON}])
    assert not ok
    assert {(p.code, p.severity) for p in problems} == {("C102", "error"), ("C901", "error")}
    assert any("switched off" in p.message for p in problems)


def test_a_waiver_reason_is_plain_text_like_any_field(vocabulary: Vocabulary) -> None:
    ok, problems = _check(vocabulary, setbacks=_setbacks(), waivers=[
        {"rule": "C102", "field": "setbacks[0].what", "reason": REASON + " <script>alert(1)</script>"}])
    assert not ok and any(p.code == "C401" and p.field == "waivers[0].reason" for p in problems)


@pytest.mark.parametrize(("text", "path"), [
    ("setbacks[0].what", ("setbacks", 0, "what")), ("do_differently[2]", ("do_differently", 2)),
    ("summary", ("summary",)), (" story ", ()), ("Story", ()), ("[0]", None), ("setbacks[0]what", None),
    ("a b", None), ("", None), ("setbacks[99999]", None),
])
def test_field_names_are_read_as_messages_write_them(text: str, path: tuple[Any, ...] | None) -> None:
    assert waivers.parse_field(text) == path


def test_the_cli_counts_waivers_and_lists_them_for_reviewers(site: Path, tmp_path: Path) -> None:  # noqa: F811
    write_case(site / "cases", "waived.md", good(setbacks=_setbacks(), waivers=[
        {"rule": "C102", "field": "setbacks[0].what", "reason": REASON}]))
    summary = tmp_path / "summary.md"
    result = run(site, "validate", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0, result.stdout
    assert "::notice file=cases/waived.md" in result.stdout
    assert "1 waived by the cases themselves" in result.stdout
    assert REASON in summary.read_text(encoding="utf-8")
    report = json.loads(run(site, "validate", "--format", "json").stdout)
    assert report["summary"]["waived"] == 1 and report["summary"]["errors"] == 0
    # A casebook that forbids waivers refuses the same case.
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - candour:\n", "  - candour:\n      waivers: false\n"), encoding="utf-8")
    refused = run(site, "validate")
    assert refused.returncode == 1 and "C901" in refused.stdout and "switched off" in refused.stdout
