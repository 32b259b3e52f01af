"""Writing cases: a new case from a few answers, or a draft case from an existing blog post.

Both write every required field. What only the authors can write is left as a `TODO` placeholder
with a comment saying what belongs there, so `candour validate` names exactly what is still to do.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import json
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import frontmatter  # python-frontmatter: splits Jekyll, Hugo and Eleventy front-matter from the text
from frontmatter.default_handlers import BaseHandler, YAMLHandler

from ..core import html_policy
from ..core.body import check as check_body
from ..core.model import FINISHED, STATUSES
from ..core.names import slugify
from ..core.taxonomy import KINDS
from ..core.vocabulary import Vocabulary

TODO = "TODO"


@dataclass
class Answers:
    """What is known about a case; None means 'leave a TODO for the authors'."""

    title: str | None = None
    summary: str | None = None
    status: str | None = None
    started: str | None = None
    ended: str | None = None
    published: str | None = None
    place: str | None = None
    region: str | None = None
    services: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    attribution: str | None = None
    organisations: list[str] = field(default_factory=list)
    described_as: str | None = None
    contributors: list[str] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    setbacks: list[str] = field(default_factory=list)
    do_differently: list[str] = field(default_factory=list)
    what_worked: list[str] = field(default_factory=list)
    draft: bool = False
    body: str = ""


def _q(value: str) -> str:
    """A YAML scalar that reads back as exactly `value` (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _todo(what: str) -> str:
    return _q(f"{TODO}: {what}")


def _list(values: list[str], todo: str) -> str:
    if values:
        return "[" + ", ".join(_q(v) for v in values) + "]"
    return f"[{_todo(todo)}]"


def render_case(answers: Answers, vocabulary: Vocabulary, today: dt.date | None = None) -> str:
    """The text of a case file: known answers filled in, the rest as explained TODO placeholders."""
    a = answers
    today = today or dt.date.today()
    allowed = {kind: ", ".join(vocabulary.allowed(kind)) for kind in KINDS}
    lines = [
        "---",
        "# A Candour case. Replace every TODO, then run: candour validate this-file.md",
        "# Field reference: see the site's Contribute > Field reference page.",
        f"title: {_q(a.title) if a.title else _todo('what was tried, and where (10 to 150 characters)')}",
        "# summary: plain text, 20 to 120 words: what was tried and how it went.",
        f"summary: {_q(a.summary) if a.summary else _todo('what you tried and how it went, in 20 to 120 words')}",
        f"# status: one of {', '.join(STATUSES)}",
        f"status: {_q(a.status) if a.status else _todo('one of ' + ', '.join(STATUSES))}",
        "# started: when the work started, YYYY-MM or YYYY-MM-DD",
        f"started: {_q(a.started) if a.started else _todo('YYYY-MM')}",
    ]
    if a.ended or a.status in FINISHED:
        lines += ["# ended: when the work ended, YYYY-MM (for completed or stopped work)",
                  f"ended: {_q(a.ended) if a.ended else _todo('YYYY-MM')}"]
    lines += [
        f"published: {_q(a.published or today.isoformat())}",
        "# place: where, in words, e.g. Greater Essex",
        f"place: {_q(a.place) if a.place else _todo('the town, city or area')}",
        f"# region: one of {allowed['regions']}",
        f"region: {_q(a.region) if a.region else _todo('one region from the list above')}",
        f"# services: one or more of {allowed['services']}",
        f"services: {_list(a.services, 'one or more services from the list above')}",
        f"# themes: one or more of {allowed['themes']}",
        f"themes: {_list(a.themes, 'one or more themes from the list above')}",
    ]
    if a.partners:
        lines += [f"# partners: any of {allowed['partners']}", f"partners: {_list(a.partners, '')}"]
    lines += ["# attribution: named (say who you are) or anonymised (describe yourselves instead)"]
    if a.attribution == "anonymised":
        lines += ['attribution: "anonymised"',
                  f"described_as: {_q(a.described_as) if a.described_as else _todo('who you are, without names')}"]
    else:
        lines += [f"attribution: {_q(a.attribution) if a.attribution else _todo('named or anonymised')}",
                  f"organisations: {_list(a.organisations, 'the organisations involved')}"]
        if a.contributors:
            lines += ["contributors:"]
            for name in a.contributors:
                lines += [f"  - name: {_q(name)}", f"    role: {_todo('their role in the work')}"]
    lines += ["# setbacks: what went wrong. At least one, each in a full sentence of 8 words or more.",
              "setbacks:"]
    lines += [f"  - what: {_q(what)}" for what in a.setbacks] or [
        f"  - what: {_todo('what went wrong, in a full sentence')}",
        f"    why: {_todo('why it happened, as far as you know (or delete this line)')}",
        f"    impact: {_todo('what it cost: time, money, people, trust (or delete this line)')}",
        f"    response: {_todo('what you did about it (or delete this line)')}"]
    lines += ["# do_differently: what you would do differently next time. At least one, 8 words or more.",
              "# A lesson about particular themes can say so: - text: \"...\" then, below it, themes: [funding]",
              "do_differently:"]
    lines += [f"  - {_q(item)}" for item in a.do_differently] or [
        f"  - {_todo('one thing you would do differently, and why')}"]
    if a.what_worked:
        lines += ["what_worked:", *(f"  - {_q(item)}" for item in a.what_worked)]
    if a.sources:
        lines += ["sources:"]
        for title, url in a.sources:
            lines += [f"  - title: {_q(title)}", f"    url: {_q(url)}"]
    if a.draft:
        lines += ["# draft: true keeps the case off the site while you finish it; delete the line to publish.",
                  "draft: true"]
    lines += ["---", ""]
    body = a.body.strip("\n") if a.body.strip() else (
        "## What we set out to do\n\nTODO: the story, in your own words.\n\n## What happened\n\n"
        "## What we learned\n")
    return "\n".join(lines) + "\n" + body + "\n"


# ----------------------------------------------------------------------------------------------
# Importing a blog post

_PAIRED_SHORTCODE_RE = re.compile(r"\{\{[<%]\s*+/?\s*+[\w.-]++[^{}]*?[>%]\}\}")
# Each template tag's body stops at the next tag's opening, so unclosed tags cannot make a scan quadratic.
_NUNJUCKS_RE = re.compile(r"\{%(?:[^%{]|%(?!\})|\{(?!%))*+%\}")
_EXPRESSION_RE = re.compile(r"\{\{(?:[^{}]|\}(?!\})|\{(?!\{))*+\}\}")
_TEMPLATE_COMMENT_RE = re.compile(r"\{#(?:[^#{]|#(?!\})|\{(?!#))*+#\}")
_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_BLOCKED_ELEMENT_RE = re.compile(
    r"<(" + "|".join(sorted(html_policy.BLOCKED_TAGS)) + r")\b[^<>]*+>(?:[^<]++|<(?!/?\1\b))*+</\1\s*+>|<(?:"
    + "|".join(sorted(html_policy.BLOCKED_TAGS)) + r")\b[^<>]*+>",
    re.IGNORECASE)
_EVENT_OR_STYLE_ATTR_RE = re.compile(r"\s(?:on[a-z]++|style)\s*+=\s*+(?:\"[^\"]*+\"|'[^']*+'|[^\s>]++)",
                                     re.IGNORECASE)
_HTML_IMG_RE = re.compile(r"<img\b[^<>]*+>", re.IGNORECASE)
_ATTR_RE = re.compile(r"""(?<![\w-])(\w++)\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s>]++))""")
_MD_IMAGE_RE = re.compile(r"!\[([^\[\]]*+)\]\(\s*+<?([^)\s>]++)>?(?:\s++\"[^\"]*+\")?\s*+\)")


# A Markdown link or image; its address is checked for template tags in the callback.
_MD_LINK_RE = re.compile(r"(!?)\[([^\[\]\n]{0,300}+)\]\(([^()\n]{0,500}+)\)")
_QUOTED_PATH_RE = re.compile(r"[\"']([^\"'\n]{1,200}+)[\"']")


def mark_template_links(text: str) -> str:
    """Links and images whose address is a template tag ('{{ site.baseurl }}/x', a Hugo 'ref') become a
    TODO marker naming what they pointed to: removing the tag would leave a link to nowhere."""
    def replace(match: re.Match[str]) -> str:
        bang, label, address = match.groups()
        if "{{" not in address and "{%" not in address:
            return match.group(0)
        quoted = _QUOTED_PATH_RE.search(address)
        paths = [word for word in re.sub(r"[{}%<>]", " ", address).split() if "/" in word]
        target = (quoted.group(1) if quoted else strip_template_tags(address).strip() or
                  (paths[0] if paths else "a page of the old site"))
        if bang:
            return (f"[{TODO}: image {label.strip() or 'without a description'} ({target}): its address was a "
                    "template tag; add the full web address, or delete this line]")
        return f"{label} [{TODO}: link to {target}: its address was a template tag; write the full web address]"

    return _MD_LINK_RE.sub(replace, text)


def strip_template_tags(text: str) -> str:
    """Remove Hugo shortcodes, Nunjucks/Liquid tags and expressions, keeping the text between tags."""
    text = _TEMPLATE_COMMENT_RE.sub("", text)
    text = _PAIRED_SHORTCODE_RE.sub("", text)
    text = _NUNJUCKS_RE.sub("", text)
    text = _EXPRESSION_RE.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text)


def _image_as_link(alt: str, url: str) -> str:
    label = alt.strip() or "image"
    return f"[{label} (image)]({url})" if url.startswith(("http:", "https:")) else f"[{label}]"


def clean_body(markdown: str) -> str:
    """A blog post's body made to meet the case HTML policy, so the draft's only errors are the TODOs."""
    text = strip_template_tags(mark_template_links(markdown))
    text = _BLOCKED_ELEMENT_RE.sub("", text)
    text = _EVENT_OR_STYLE_ATTR_RE.sub("", text)

    def html_img(match: re.Match[str]) -> str:
        attrs = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
                 for m in _ATTR_RE.finditer(match.group(0))}
        src = attrs.get("src", "")
        return match.group(0) if src and not html_policy.is_remote(src) else _image_as_link(attrs.get("alt", ""), src)

    def md_img(match: re.Match[str]) -> str:
        alt, url = match.group(1), match.group(2)
        return match.group(0) if not html_policy.is_remote(url) else _image_as_link(alt, url)

    text = _HTML_IMG_RE.sub(html_img, text)
    text = _MD_IMAGE_RE.sub(md_img, text)
    # Whatever the policy still blocks goes, line by line, leaving a note for the authors.
    lines = text.split("\n")
    for finding in check_body(text):
        if finding.blocking and 0 < finding.line <= len(lines):
            lines[finding.line - 1] = "<!-- candour import: removed a line that cases cannot contain -->"
    return "\n".join(lines)


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    match = _DATE_RE.search(str(value or ""))
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    plain = re.sub(r"<[^<>]++>", "", html.unescape(value))
    return " ".join(strip_template_tags(plain).split()) or None


def _terms(tags: list[str], vocabulary: Vocabulary, kind: str) -> list[str]:
    allowed = vocabulary.allowed(kind)
    found: list[str] = []
    for tag in tags:
        match = difflib.get_close_matches(slugify(tag), allowed, n=1, cutoff=0.85)
        if match and match[0] not in found:
            found.append(match[0])
    return found


def _as_list(value: Any) -> list[str]:
    """Front-matter lists come as lists, or as one comma-separated string."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int))]
    return []


_TOML_BOUNDARY_RE = re.compile(r"^\+{3,}+[ \t]*+$", re.MULTILINE)


class _TomlHandler(BaseHandler):
    """Hugo's TOML front-matter between '+++' lines, read with Python's own tomllib.

    python-frontmatter reads TOML only when the third-party `toml` package is installed, and
    otherwise leaves the whole block in the text without a word.
    """

    FM_BOUNDARY = _TOML_BOUNDARY_RE
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


class UnreadablePost(Exception):
    """A post whose front-matter cannot be read: the message says why, in plain words."""


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    """A post's front-matter (YAML between '---', TOML between '+++') and its text."""
    handler: BaseHandler
    if text.startswith("+++"):
        handler = _TomlHandler()
    elif text.startswith("---"):
        handler = YAMLHandler()
    else:
        return {}, text  # no front-matter: the whole text is the story
    try:
        post = frontmatter.loads(text, handler=handler)
    except Exception as exc:
        kind = "TOML" if isinstance(handler, _TomlHandler) else "YAML"
        detail = " ".join(str(exc).split())[:160]
        raise UnreadablePost(f"its {kind} front-matter cannot be read ({detail})") from None
    meta = post.metadata if isinstance(post.metadata, dict) else {}
    return meta, post.content


def import_post(text: str, vocabulary: Vocabulary, source_name: str = "") -> tuple[str, Answers]:
    """A draft case from a blog post's text. Returns the suggested slug and the answers found.

    Raises `UnreadablePost` if the post has front-matter that cannot be read.
    """
    meta, content = _front_matter(text.lstrip("\ufeff"))
    title = _text(meta.get("title"))
    summary = next((s for s in (_text(meta.get(k)) for k in ("summary", "excerpt", "description")) if s), None)
    words = len(summary.split()) if summary else 0
    if summary and not 20 <= words <= 120:
        summary = None  # the authors write one that fits
    # Jekyll and Eleventy take the date from the file name when the front-matter has none.
    date = _date(meta.get("date")) or _date(source_name[:10])
    tags = [t for key in ("tags", "topics", "categories") for t in _as_list(meta.get(key))]
    authors = _as_list(meta.get("authors")) or _as_list(meta.get("author"))
    answers = Answers(
        title=title,
        summary=summary,
        published=date,
        themes=_terms(tags, vocabulary, "themes"),
        services=_terms(tags, vocabulary, "services"),
        contributors=[a.replace("-", " ").title() if "-" in a else a for a in authors],
        draft=True,
        body=clean_body(content),
    )
    slug = slugify(str(meta.get("slug") or title or source_name or "imported-case"))
    return slug, answers
