"""A case body: its Markdown read by one parser, made into safe HTML, headings and located findings.

This is the one path from a case's untrusted text to HTML. markdown-it-py reads the Markdown
(CommonMark, with tables and strikethrough): it runs in time linear in its input and bounds nesting,
where Python-Markdown backtracks for minutes on a few kilobytes of unclosed brackets and recurses
until it crashes on deeply nested lists. The HTML policy's sanitiser then cleans what it wrote.
The site engine (MkDocs today) receives finished HTML and the headings for its table of contents;
it never parses a case's Markdown itself, so it can never read page settings from it.

The validator reads the same rendering: it parses the HTML that markdown-it writes, before the
sanitiser, exactly as a browser would (`html_policy.scan_html`), so what it approves is what
readers' browsers receive. Each finding is mapped back to its line in the case file.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from . import html_policy
from .html_policy import Finding

#: Deepest nesting of lists, quotes and emphasis rendered; deeper Markdown is shown as plain text.
MAX_NESTING = 20
#: Most '[' in one body: each may open a link, and markdown-it tries each one (linear, but costly).
MAX_BRACKETS = 5_000
#: Most lines in one body (a long case has a few hundred): each can become a paragraph or a heading.
MAX_LINES = 10_000
#: Most elements the rendering of one body may have before the check reads it as a browser would.
MAX_ELEMENTS = 50_000


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    title: str  # plain text
    children: list[Heading] = field(default_factory=list)


@dataclass(frozen=True)
class Body:
    html: str  # sanitised
    headings: list[Heading]  # nested by level, for a table of contents


class _MappedRenderer(RendererHTML):
    """markdown-it's HTML renderer, noting where in the output each block of the source begins."""

    def render_mapped(self, tokens: Sequence[Token], options: Any, env: Any) -> tuple[str, list[tuple[int, int]]]:
        out: list[str] = []
        marks: list[tuple[int, int]] = []  # (offset in the output, line in the source from 0)
        position = 0
        for index, token in enumerate(tokens):
            if token.map is not None:
                marks.append((position, token.map[0]))
            if token.type == "inline":
                text = self.renderInline(token.children or [], options, env)
            elif token.type in self.rules:
                text = self.rules[token.type](tokens, index, options, env)
            else:
                text = self.renderToken(tokens, index, options, env)
            out.append(text)
            position += len(text)
        return "".join(out), marks


def _parser(*, every_link: bool = False) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}, renderer_cls=_MappedRenderer)
    parser.enable(["table", "strikethrough"])
    if every_link:
        # markdown-it silently drops links to javascript:, vbscript:, file: and most data: addresses.
        # The validator's parser keeps them, so the policy sees each one and names it on its line.
        parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


_PARSER = _parser()
_CHECKER = _parser(every_link=True)


def _plain(inline: Token) -> str:
    """The text of a heading, without markup: what the table of contents shows."""
    return "".join(child.content for child in inline.children or [] if child.type in ("text", "code_inline"))


def _name_headings(tokens: list[Token]) -> list[Heading]:
    """Give every heading a safe, unique id; return the headings nested by level."""
    used: set[str] = set()
    tried: dict[str, int] = {}  # the last number tried for each id, so many equal headings stay linear
    roots: list[Heading] = []
    stack: list[Heading] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        title = " ".join(_plain(tokens[index + 1]).split()) if index + 1 < len(tokens) else ""
        base = html_policy.safe_id(title)
        anchor, number = base, tried.get(base, 1)
        while anchor in used:
            number += 1
            anchor = html_policy.safe_id(f"{base}-{number}")
        tried[base] = number
        used.add(anchor)
        token.attrSet("id", anchor)
        if index + 2 < len(tokens) and tokens[index + 2].type == "heading_close":  # open, inline, close
            tokens[index + 2].meta["id"] = anchor
        heading = Heading(int(token.tag[1]), anchor, title)
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(heading)
        stack.append(heading)
    return roots


def _rendered(markdown: str, parser: MarkdownIt = _PARSER) -> tuple[str, list[tuple[int, int]], list[Heading]]:
    tokens = parser.parse(markdown)
    headings = _name_headings(tokens)
    renderer = parser.renderer
    assert isinstance(renderer, _MappedRenderer)
    html, marks = renderer.render_mapped(tokens, parser.options, {})
    return html, marks, headings


_HEADING_END_RE = re.compile(r"(<h([1-6]) id=\"([a-z0-9-]++)\">(?:[^<]++|<(?!/h[1-6]>))*+)(</h\2>)")


def render(markdown: str) -> Body:
    """The body as the site publishes it: sanitised HTML, and its headings.

    Each heading then gets a permanent link ('¶', shown on hover by the theme). It is added after
    the sanitiser, which removes the theme's classes from anything a case writes itself.
    """
    html, _, headings = _rendered(markdown)
    clean = _HEADING_END_RE.sub(r'\1<a class="headerlink" href="#\3" title="Permanent link">¶</a>\4',
                                html_policy.sanitise(html))
    return Body(clean, headings)


_ATTR_LIST_RE = re.compile(r"\{:[^{}\n]*+\}")
# Inline elements join the text on either side ('jane@<em>x.org</em>' reads 'jane@x.org'); others part it.
_INLINE_TAG_RE = re.compile(r"</?(?:a|abbr|b|cite|code|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|strong|sub|sup|"
                            r"time|u|var|wbr)\b[^<>]*+>", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^<>]*+>")


def reader_text(markdown: str) -> list[tuple[int, str]]:
    """The text a reader sees, block by block, with each block's first line (from 1) in the body.

    Markup inside a sentence is gone, so a detail split by emphasis or a tag reads as one.
    """
    if _over_limits(markdown, html_policy.line_starts(markdown)) is not None:
        return []  # `check` reports it; the case is not published
    html, marks, _ = _rendered(markdown)
    out = []
    for index, (position, line) in enumerate(marks):
        end = marks[index + 1][0] if index + 1 < len(marks) else len(html)
        segment = _TAG_RE.sub(" ", _INLINE_TAG_RE.sub("", html[position:end]))
        text = " ".join(unescape(segment).split())
        if text:
            out.append((line + 1, text))
    return out


def _over_limits(markdown: str, source_starts: list[int]) -> Finding | None:
    """A finding if the body has more markup than a case is read with (each limit is far past any case)."""
    too_many = html_policy.too_much_markup(markdown, source_starts)
    if too_many is None and len(source_starts) > MAX_LINES:
        too_many = Finding(MAX_LINES + 1, f"the case has more than {MAX_LINES:,} lines: it was not checked further",
                           "a case is a few pages of text; a very long one can be split into two cases")
    if too_many is None and markdown.count("[") > MAX_BRACKETS:
        nth = next(m.start() for i, m in enumerate(re.finditer(r"\[", markdown)) if i == MAX_BRACKETS)
        too_many = Finding(html_policy.line_of(source_starts, nth),
                           f"the case has more than {MAX_BRACKETS:,} '[' characters: it was not checked further",
                           "a case is text: use '[' only for links, like [the report](https://...)")
    return too_many


def check(markdown: str) -> Iterator[Finding]:
    """Every finding of the HTML policy in a body, by line (from 1, within the body)."""
    source_starts = html_policy.line_starts(markdown)
    too_many = _over_limits(markdown, source_starts)
    if too_many is not None:
        yield too_many
        return
    if "{:" in markdown:
        for match in _ATTR_LIST_RE.finditer(markdown):
            yield Finding(html_policy.line_of(source_starts, match.start()),
                          "Markdown attribute lists ('{: ... }') are not supported in cases: this shows as text",
                          "remove it; headings get their own web addresses", blocking=False)
    if "<" not in markdown and "](" not in markdown and "]:" not in markdown:
        return  # no raw HTML, no link or image to check: rendering would find nothing
    html, marks, _ = _rendered(markdown, _CHECKER)
    if html.count("<") > 2 * MAX_ELEMENTS:
        yield Finding(1, f"the case makes more than {MAX_ELEMENTS:,} HTML elements: it was not checked further",
                      "a case is text: use fewer headings, tables, lists and emphasis")
        return
    offsets = [position for position, _ in marks]
    html_starts = html_policy.line_starts(html)

    def source_line(offset: int) -> int:
        at = bisect.bisect_right(offsets, offset) - 1
        if at < 0:
            return 1
        position, line = marks[at]
        # Lines inside a block keep their line breaks in the HTML, so count them from the block's start.
        extra = html_policy.line_of(html_starts, offset) - html_policy.line_of(html_starts, position)
        return min(line + extra, len(source_starts) - 1) + 1

    yield from html_policy.scan_html(html, source_line)
