"""The HTML policy: what the validator rejects in a case body, and what the site's sanitiser removes."""

from __future__ import annotations

import re

import pytest

from candour.core import html_policy
from candour.core.vocabulary import Vocabulary
from tests.conftest import GOOD, case_text, check_text


def body_problems(vocabulary: Vocabulary, body: str) -> list[str]:
    return check_text(case_text(GOOD, body), vocabulary)[1]


@pytest.mark.parametrize("tag", sorted(html_policy.BLOCKED_TAGS - {"noscript"}))
def test_blocked_elements_are_rejected_at_their_line(vocabulary: Vocabulary, tag: str) -> None:
    problems = body_problems(vocabulary, f"First paragraph.\n\nSecond <{tag}>x</{tag}> paragraph.\n")
    assert problems == [f"cases/x.md:24: the HTML element <{tag}> is not allowed in a case (remove it: cases are "
                        "text, and elements like this can run code or change the page in readers' browsers)"]


@pytest.mark.parametrize("body", [
    '<img src="x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#115;cript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<a href="vbscript:msgbox(1)">x</a>',
    '[click](javascript:alert(1))',
    '[click]( javascript:alert(1) )',
    '![x](data:text/html;base64,PHNjcmlwdD4=)',
    '[click][ref]\n\n[ref]: javascript:alert(1)',
    '<javascript:alert(1)>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">x</p>',
])
def test_script_in_attributes_and_links_is_rejected(vocabulary: Vocabulary, body: str) -> None:
    problems = body_problems(vocabulary, body + "\n")
    assert problems and all(p.startswith("cases/x.md:") for p in problems), problems
    assert any("is not allowed" in p for p in problems), problems


@pytest.mark.parametrize("body", [
    "A table:\n\n<table><tr><th scope=\"col\">a</th></tr><tr><td>1</td></tr></table>",
    "<details><summary>More</summary>\n\nHidden text.\n\n</details>",
    "Water is H<sub>2</sub>O, <abbr title=\"Data Protection Impact Assessment\">DPIA</abbr>.",
    "Code is fine: `<script>alert(1)</script>` and\n\n```html\n<iframe src=x></iframe>\n```\n",
    "[A report](https://example.org/report) and [mail](mailto:team@example.org) and [a page](../other/)",
])
def test_harmless_html_and_code_examples_pass(vocabulary: Vocabulary, body: str) -> None:
    assert body_problems(vocabulary, body + "\n") == []


def test_unknown_elements_and_attributes_are_warnings(vocabulary: Vocabulary) -> None:
    problems = body_problems(vocabulary, '<center data-x="1">Hello</center>\n')
    assert problems == [
        "cases/x.md:22: warning: the HTML element <center> is not supported and will be removed "
        "(use Markdown instead, or remove it)",
        "cases/x.md:22: warning: the attribute data-x= on <center> will be removed (remove it)",
    ]


@pytest.mark.parametrize(("dirty", "clean"), [
    ('<p>Hi<script>alert(1)</script></p>', "<p>Hi</p>"),
    ('<img src="x.png" onerror="alert(1)">', '<img src="x.png">'),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="https://example.org">x</a>', '<a href="https://example.org" rel="noopener noreferrer">x</a>'),
    ('<iframe src="https://evil.example"></iframe>ok', "ok"),
    ('<p style="color:red">x</p>', "<p>x</p>"),
    ('<svg><script>alert(1)</script></svg>ok', "ok"),
])
def test_the_site_sanitiser_removes_what_the_policy_blocks(dirty: str, clean: str) -> None:
    assert html_policy.sanitise(dirty) == clean


def test_front_matter_html_is_rejected(vocabulary: Vocabulary) -> None:
    problems = check_text(case_text({**GOOD, "place": "Harrowfield <img src=x onerror=alert(1)>"}), vocabulary)[1]
    assert problems == ["cases/x.md:8: place: this is plain text, but it contains an HTML tag "
                        "(remove the tag; use the text of the case below the front-matter for formatting)"]


@pytest.mark.parametrize("body", ['![pixel](https://evil.example/p.png)', '<img src="//evil.example/p.png">',
                                  '<img src="https://evil.example/p.png" alt="x">'])
def test_images_from_other_sites_are_rejected(vocabulary: Vocabulary, body: str) -> None:
    problems = body_problems(vocabulary, body + "\n")
    assert problems == ["cases/x.md:22: images must be files of this site, not links to another site (put the image "
                        "file in the site and link to it by its path: an image from another site tells that site "
                        "who reads the case)"]


def test_the_sanitiser_drops_images_from_other_sites() -> None:
    assert html_policy.sanitise('<img src="https://evil.example/p.png" alt="x">') == '<img alt="x">'
    assert html_policy.sanitise('<img src="../images/chart.png" alt="x">') == '<img src="../images/chart.png" alt="x">'


@pytest.mark.parametrize("body", ["# Title {: onclick=\"alert(1)\" }", "A paragraph.\n{: style=\"color:red\" }",
                                  "[link](https://example.org){: onmouseover=alert(1) }",
                                  "[link](https://ok.example){: href=\"javascript:alert(1)\" }",
                                  "## Story {: id='x\"><meta http-equiv=refresh>' }"])
def test_markdown_attribute_lists_are_text_and_set_nothing(vocabulary: Vocabulary, body: str) -> None:
    """Case bodies have no attribute lists: '{: ... }' is shown as text, with a warning, and sets nothing."""
    from candour.core import body as case_body

    problems = body_problems(vocabulary, body + "\n")
    assert any("Markdown attribute lists ('{: ... }') are not supported" in p for p in problems), problems
    html = case_body.render(body).html
    assert not re.search(r"<[^>]+\s(?:on\w+|style|href=\"javascript)", html), html


def test_ordinary_braces_pass(vocabulary: Vocabulary) -> None:
    assert body_problems(vocabulary, "## Background\n\nText {like this} is fine, and so is {x: 1}.\n") == []
