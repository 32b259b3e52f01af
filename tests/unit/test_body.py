"""A case body is rendered by the core: Markdown to sanitised HTML with safe heading ids, and nothing else."""

from __future__ import annotations

import re

import pytest

from candour.core import body, html_policy


def test_headings_get_safe_unique_ids_and_nest_for_the_table_of_contents() -> None:
    rendered = body.render("# Start\n\n## What we tried\n\n### Week 1\n\n## What we tried\n\n## Setbacks\n")
    ids = re.findall(r'<h\d id="([^"]+)"', rendered.html)
    assert ids == ["start", "what-we-tried", "week-1", "what-we-tried-2", "story-setbacks"]
    assert [(h.level, h.id, h.title) for h in rendered.headings] == [(1, "start", "Start")]
    second = rendered.headings[0].children
    assert [(h.id, [c.id for c in h.children]) for h in second] == [
        ("what-we-tried", ["week-1"]), ("what-we-tried-2", []), ("story-setbacks", [])]


@pytest.mark.parametrize("title", ["Setback 1", "At a glance", "Do differently", "Journey", "Related",
                                   "__config", "md header", "candour search", "Sources"])
def test_a_heading_never_takes_an_id_the_page_already_uses(title: str) -> None:
    heading_id = body.render(f"## {title}\n").headings[0].id
    assert heading_id not in html_policy.RESERVED_IDS and not heading_id.startswith(("setback-", "md-", "candour-"))
    assert heading_id.startswith("story-") or title == "__config"
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", heading_id)


@pytest.mark.parametrize("settings", [
    "---\ntemplate: main.html\ntitle: Not the case\n"
    "description: '0;url=https://evil.example\" http-equiv=\"refresh'\n---\n",
    "title: Not the case\nhide: [navigation, toc]\nsearch:\n    exclude: true\n\n",
    "Template: main.html\nDescription: x\n\n",
])
def test_page_settings_at_the_top_of_a_body_are_text(settings: str) -> None:
    """MkDocs reads such blocks as page settings; a case body is text, so they are shown, not obeyed."""
    rendered = body.render(settings + "The story.\n")
    assert "The story." in rendered.html
    text = re.sub(r"<[^>]+>", "", rendered.html)
    assert "Not the case" in text or "main.html" in text


@pytest.mark.parametrize(("source", "kept"), [
    ('<div id="__config">{not json</div>', 'id="config"'),
    ('<p id="setbacks">x</p>', 'id="story-setbacks"'),
    ('<a href="#Setbacks">x</a>', 'href="#story-setbacks"'),
    ('<a href="#What-We-Tried">x</a>', 'href="#what-we-tried"'),
    ('<span id="x&quot;&gt;&lt;meta">x</span>', 'id="x-meta"'),
])
def test_ids_and_in_page_links_in_bodies_are_reslugged(source: str, kept: str) -> None:
    assert kept in body.render(source + "\n").html


@pytest.mark.parametrize("classes", ["md-dialog md-dialog--active", "candour-illustrative admonition info",
                                     "md-header", "candour-status--completed"])
def test_classes_from_the_theme_cannot_be_borrowed(classes: str) -> None:
    html = body.render(f'<div class="{classes}">Looks official</div>\n').html
    assert "md-" not in html and "candour-" not in html


def test_what_is_rendered_is_sanitised() -> None:
    html = body.render("Hello <script>alert(1)</script> <img src=x onerror=alert(1)> "
                       "[x](javascript:alert(1)) ![p](https://evil.example/p.png) ![q](/\\evil.example/q.png)\n").html
    assert "<script" not in html and "onerror" not in html and 'href="javascript' not in html
    # The remote image is dropped; '/\\' is percent-encoded by the renderer, so it stays on this site.
    assert "https://evil.example" not in html and 'src="/%5Cevil.example/q.png"' in html


def test_deep_nesting_is_bounded_not_a_crash() -> None:
    for seed in ("1. ", "- ", "> ", "* "):
        html = body.render(seed * 5_000 + "x\n").html
        assert html.count("<li>") + html.count("<blockquote>") <= 2 * body.MAX_NESTING


def test_toc_titles_are_plain_text() -> None:
    rendered = body.render("## A <b>bold</b> `code` &amp; <script>x</script> move\n")
    assert rendered.headings[0].title == "A bold code & move" or "<" not in rendered.headings[0].title
