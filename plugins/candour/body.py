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


def _heading_close(renderer: RendererHTML, tokens: Sequence[Token], index: int, options: Any, env: Any) -> str:
    """A permanent link at the end of each heading, as the theme expects ('¶', shown on hover)."""
    anchor = tokens[index].meta.get("id")
    link = f'<a class="headerlink" href="#{anchor}" title="Permanent link">¶</a>' if anchor else ""
    return link + renderer.renderToken(tokens, index, options, env)


def _parser(*, every_link: bool = False) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}, renderer_cls=_MappedRenderer)
    parser.enable(["table", "strikethrough"])
    parser.add_render_rule("heading_close", _heading_close)
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


def render(markdown: str) -> Body:
    """The body as the site publishes it: sanitised HTML, and its headings."""
    html, _, headings = _rendered(markdown)
    return Body(html_policy.sanitise(html), headings)


_ATTR_LIST_RE = re.compile(r"\{:[^{}\n]*+\}")


def check(markdown: str) -> Iterator[Finding]:
    """Every finding of the HTML policy in a body, by line (from 1, within the body)."""
    source_starts = html_policy.line_starts(markdown)
    too_many = html_policy.too_much_markup(markdown, source_starts)
    if too_many is None and markdown.count("[") > MAX_BRACKETS:
        nth = next(m.start() for i, m in enumerate(re.finditer(r"\[", markdown)) if i == MAX_BRACKETS)
        too_many = Finding(html_policy.line_of(source_starts, nth),
                           f"the case has more than {MAX_BRACKETS:,} '[' characters: it was not checked further",
                           "a case is text: use '[' only for links, like [the report](https://...)")
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
