"""Lessons ('do_differently' items): plain text, or 'text:' with the themes the lesson is about."""

from __future__ import annotations

import pytest

from candour.core.model import Case, Lesson
from candour.core.vocabulary import Vocabulary
from candour.site import export

from ..conftest import case_text, check_data, check_text, good

LESSON = "Agree the clinical codes with every practice before the first referral is made."


def test_a_lesson_can_name_its_themes(vocabulary: Vocabulary) -> None:
    assert check_data(vocabulary, do_differently=[{"text": LESSON, "themes": ["digital-systems"]}]) == []
    assert check_data(vocabulary, do_differently=[{"text": LESSON}]) == []  # 'text:' alone is fine too
    assert check_data(vocabulary, do_differently=[LESSON, {"text": LESSON + " Again.", "themes": ["funding"]}]) == []


@pytest.mark.parametrize(("item", "says"), [
    ({"text": "N/A", "themes": ["funding"]}, "do_differently[0].text: 'N/A' is a placeholder"),
    ({"text": "Nothing, it went well.", "themes": ["funding"]}, "do_differently[0].text:"),
    ({"text": "Short one.", "themes": ["funding"]}, "do_differently[0].text: this lesson has 2 words"),
    ({"txt": LESSON, "themes": ["funding"]}, "do_differently[0].txt: 'txt' is not a field Candour knows "
                                             "(did you mean 'text'?)"),
    ({"text": LESSON, "themes": ["fundng"]}, "do_differently[0].themes[0]: 'fundng' is not one of the themes "
                                            "(did you mean 'funding'?"),
    ({"text": LESSON, "themes": ["funding", "funding"]}, "do_differently[0].themes[1]: this repeats"),
    ({"text": LESSON, "themes": "funding"}, "do_differently[0].themes: should be a list"),
])
def test_a_lesson_with_themes_is_judged_like_any_lesson(vocabulary: Vocabulary, item: object, says: str) -> None:
    problems = check_data(vocabulary, do_differently=[item])
    assert any(says in p for p in problems), problems
    assert all(".with-themes" not in p and ".plain" not in p for p in problems)  # the form is never named


def test_the_same_lesson_twice_is_a_repeat_whichever_form(vocabulary: Vocabulary) -> None:
    problems = check_data(vocabulary, do_differently=[LESSON, {"text": LESSON, "themes": ["funding"]}])
    assert any("do_differently[1]: this repeats do_differently[0]" in p for p in problems)


def test_open_data_keeps_each_lesson_as_written() -> None:
    case = Case.model_validate(good(do_differently=[LESSON, {"text": "Second lesson.", "themes": ["funding"]}]))
    assert case.do_differently == [LESSON, Lesson(text="Second lesson.", themes=["funding"])]
    record = export.case_record(export.Published("x", "https://example.org/cases/x/", case))
    assert record["do_differently"] == [LESSON, {"text": "Second lesson.", "themes": ["funding"]}]
    csv = export.cases_csv([export.Published("x", "https://example.org/cases/x/", case)])
    assert f"{LESSON} | Second lesson." in csv


def test_themes_lined_up_with_the_dash_say_where_they_belong(vocabulary: Vocabulary) -> None:
    good_text = case_text(good(do_differently=None))
    text = good_text.replace("---\nSome", f"do_differently:\n  - text: {LESSON}\n  themes: [funding]\n---\nSome")
    problems = check_text(text, vocabulary)[1]
    assert any("'themes:' is lined up with the '-' above it, not with 'text:'" in p
               and "indent it by 2 more spaces" in p for p in problems), problems


@pytest.mark.parametrize(("written", "hint"), [
    ("Funding, Digital systems and evaluation", "write it as: themes: [funding, digital-systems, evaluation]"),
    ("funding; workforce", "write it as: themes: [funding, workforce]"),
    ("funding and rent arrears", "write the terms in square brackets, separated by commas, like themes: ["),
])
def test_themes_written_as_a_sentence_get_the_terms_to_write(vocabulary: Vocabulary, written: str, hint: str) -> None:
    text = case_text(good()).replace("themes:\n- referral-pathways", f"themes: {written}")
    assert f"themes: {written}" in text
    problems = check_text(text, vocabulary)[1]
    assert any("themes: should be a list of themes from the vocabulary, but it is a piece of text" in p
               and hint in p for p in problems), problems


@pytest.mark.parametrize("empty", ['""', "''", '"   "'])
def test_an_empty_lesson_is_called_empty_not_a_placeholder(vocabulary: Vocabulary, empty: str) -> None:
    text = case_text(good(do_differently=[{"text": "x", "themes": ["funding"]}])).replace("text: x", f"text: {empty}")
    problems = check_text(text, vocabulary)[1]
    assert any("do_differently[0].text: is empty" in p for p in problems), problems
    assert not any("placeholder" in p for p in problems)
