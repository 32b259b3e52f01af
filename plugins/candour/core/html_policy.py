"""The one HTML policy for case bodies, applied by the validator and by the site.

Cases come from outside the project, so nothing in one may run in a reader's browser or change the
page around it:

- The validator reads the HTML that a case body's Markdown becomes (see `body.py`) with html5lib,
  which implements the WHATWG parsing algorithm that browsers (and the sanitiser, html5ever)
  implement, so it sees the elements, attributes and comments that Chromium would see. It rejects,
  with a located error, the elements and attributes that can run script, load other pages or change
  the page (`BLOCKED_TAGS`, event handlers, `javascript:` and other dangerous link targets, images
  from other sites), and comments that other parsers read differently.
- The site passes every case body through nh3 (the Ammonia sanitiser) with the allowlist below, so
  anything the validator missed is removed, not published. Ids are re-slugged into a safe set that
  never collides with an id of the theme or of the case template (`safe_id`); classes are limited to
  a few that only style text.
- Front-matter text and vocabulary labels are plain text (`plain_text_issue`): templates escape them
  once, so markup shows as typed.

Every regular expression here sees untrusted text, so each is written to run in linear time: runs
they scan exclude the characters that start another match, and quantifiers that could overlap are
possessive. `tests/hardening/test_linear.py` times each one on adversarial input.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import html5lib
import html5lib.treebuilders
import nh3
from html5lib import _tokenizer as html5lib_tokenizer

#: Tags a case body may use as raw HTML, beyond what Markdown itself produces.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})
#: Tags rejected outright: they run script, embed other documents, submit data or restyle the page.
BLOCKED_TAGS = frozenset({
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button", "select",
    "textarea", "style", "link", "meta", "base", "svg", "math", "template", "portal", "noscript", "audio",
    "video", "source", "track", "canvas", "dialog", "xml", "import", "title", "head", "body", "html",
    "noembed", "noframes", "xmp", "plaintext", "image", "isindex", "param", "slot", "fencedframe",
})
_GLOBAL_ATTRIBUTES = {"id", "title", "lang", "dir"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": _GLOBAL_ATTRIBUTES,
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "details": {"open"},
    "abbr": {"title"},
    "ol": {"start", "reversed", "type"},
}
#: Classes a case body keeps: the ones of notes and warnings (admonitions). Any other class could
#: borrow the theme's styles (a fixed overlay, a fake notice, an invisible link) and is removed.
ADMONITION_TYPES = frozenset({"note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important",
                              "success", "check", "done", "question", "help", "faq", "warning", "caution",
                              "attention", "failure", "fail", "missing", "danger", "error", "bug", "example",
                              "quote", "cite"})
ALLOWED_CLASSES: dict[str, set[str]] = {
    "div": {"admonition", *ADMONITION_TYPES},
    "p": {"admonition-title"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite",
                            "srcset", "data", "codebase", "ping", "longdesc", "lowsrc", "dynsrc", "manifest",
                            "icon", "archive", "classid", "profile", "usemap", "itemtype"})
#: Ids on a case page outside the case body: the case template's sections and the theme's own
#: elements. `safe_id` never gives a body one of these (the theme's own all start with '__', which
#: `safe_id` never writes). `tests/integration/test_build.py` checks this list against a built page.
RESERVED_IDS = frozenset({
    "at-a-glance", "do-differently", "setbacks", "what-worked", "journey", "sources", "contributors", "related",
    "candour-search", "candour-search-label", "search", "content", "main", "top", "header", "footer",
})
_RESERVED_ID_RE = re.compile(r"setback-\d++|update-.*+|candour-.*+|md-.*+|pagefind-.*+")
#: Most raw-HTML tags read in one case. A case is text: more than this is a page pasted in, and the
#: HTML5 tree-building algorithm (in browsers too) is superlinear on some deeply misnested markup.
MAX_TAGS = 2_000
#: Largest width or height an image in a case may ask for, in pixels.
MAX_IMAGE_SIZE = 2_000
#: Most '<' characters read in one case, tags or not: each costs the parser a token.
MAX_ANGLES = 10_000

_SCHEME_RE = re.compile(r"\A([a-z][a-z0-9+.-]*+):", re.IGNORECASE)
# What browsers drop from a URL before reading it: ASCII tab and newline anywhere, and C0 controls and
# spaces at either end. We also drop the invisible characters some editors paste in.
_URL_NOISE_RE = re.compile(r"[\t\n\r\u200b-\u200f\u2028\u2029\ufeff]++")
_URL_EDGE = "".join(chr(c) for c in range(0x21)) + "\x7f\u00a0"


def _browser_url(url: str) -> str:
    """`url` as a browser reads it: entities decoded, tab/newline dropped, ends trimmed, '\\' as '/'."""
    return _URL_NOISE_RE.sub("", html.unescape(url)).strip(_URL_EDGE).replace("\\", "/")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in `url` (entities decoded, invisible characters dropped)."""
    match = _SCHEME_RE.match(_browser_url(url))
    return match.group(1).lower() if match else None


def is_remote(url: str) -> bool:
    """True for a URL on another site: images from elsewhere would tell that site who reads a case.

    Browsers treat a backslash as a slash in web addresses, so '/\\evil.example' is '//evil.example'.
    """
    return _browser_url(url).startswith("//") or url_scheme(url) is not None


def unsafe_url(url: str) -> str | None:
    """The scheme, if `url` has one that is not allowed (javascript:, data:, vbscript:, file: ...)."""
    scheme = url_scheme(url)
    return scheme if scheme is not None and scheme not in URL_SCHEMES else None


def safe_id(value: str) -> str:
    """The id a case body's element gets on the site: lower-case letters, digits and single hyphens.

    The same function turns in-page links ('#Some-Id') and table-of-contents entries into the same
    ids, so they keep working. Ids the page already uses get 'story-' in front.
    """
    ascii_text = unicodedata.normalize("NFKD", html.unescape(value)).encode("ascii", "ignore").decode("ascii")
    slug = "-".join(part for part in re.split(r"[^a-z0-9]++", ascii_text.lower()) if part) or "section"
    if slug in RESERVED_IDS or _RESERVED_ID_RE.fullmatch(slug):
        slug = f"story-{slug}"
    return slug


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return safe_id(value)
    if attribute == "href" and value.startswith("#"):
        return "#" + safe_id(value[1:])
    if tag == "img" and attribute == "src" and is_remote(value):
        return None
    if attribute in ("width", "height") and not (value.isdigit() and 0 < int(value) <= MAX_IMAGE_SIZE):
        return None  # an image as large as the page would cover it
    return value


def sanitise(fragment: str) -> str:
    """The site's last line of defence: keep only the allowlist; links get rel=noopener noreferrer."""
    return nh3.clean(
        fragment,
        attribute_filter=_attribute_filter,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(BLOCKED_TAGS) - {"noscript", "html", "head", "body"},
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={k: set(v) for k, v in ALLOWED_CLASSES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@dataclass(frozen=True)
class Finding:
    line: int  # 1-based, within the text scanned
    message: str
    hint: str
    blocking: bool = True


_REMOTE_IMAGE = "images must be files of this site, not links to another site"
_REMOTE_IMAGE_HINT = ("put the image file in the site and link to it by its path: an image from another site "
                      "tells that site who reads the case")
_LINK_HINT = "link only to web pages (https://...) or email (mailto:)"
_HANDLER_HINT = "remove it: event handlers run code in readers' browsers"
_STYLE_HINT = "remove it: the site's own styles apply to every case"

_TAG_START_RE = re.compile(r"<[A-Za-z!/?]")
_ANGLE_RE = re.compile("<")


def line_starts(text: str) -> list[int]:
    """The offset at which each line of `text` starts."""
    return [0, *(m.end() for m in re.finditer("\n", text))]


def line_of(starts: list[int], offset: int) -> int:
    """The line (from 1) of `offset`, given `line_starts`."""
    return bisect.bisect_right(starts, offset)


class _RecordingTokenizer(html5lib_tokenizer.HTMLTokenizer):  # type: ignore[misc]
    """html5lib's tokenizer, noting where each start tag and comment ends, as the parser reads it."""

    records: list[tuple[int, int, dict[str, Any]]]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        kinds = (html5lib_tokenizer.tokenTypes["StartTag"], html5lib_tokenizer.tokenTypes["EmptyTag"],
                 html5lib_tokenizer.tokenTypes["Comment"])
        for token in super().__iter__():
            if token["type"] in kinds:
                line, column = self.stream.position()
                self.records.append((line, column, token))
            yield token


class _ElementsOnly(html5lib.treebuilders.getTreeBuilder("etree")):  # type: ignore[misc]
    """The etree builder without text: text never changes how tags are read, and appending to one
    text node over and over is quadratic."""

    def insertText(self, data: str, parent: Any = None) -> None:
        pass


class _RecordingParser(html5lib.HTMLParser):  # type: ignore[misc]
    """The WHATWG tree builder drives the tokenizer's states (raw text, RCDATA, foreign content)."""

    def __init__(self) -> None:
        super().__init__(tree=_ElementsOnly, namespaceHTMLElements=False)
        self.records: list[tuple[int, int, dict[str, Any]]] = []

    def mainLoop(self) -> None:
        self.tokenizer.__class__ = _RecordingTokenizer
        self.tokenizer.records = self.records
        super().mainLoop()


def scan_html(html_text: str, source_line: Callable[[int], int]) -> Iterator[Finding]:
    """Blocked elements, attributes and misleading comments, as a browser's parser reads `html_text`.

    `source_line` maps an offset in `html_text` to the line of the case file it came from.
    """
    parser = _RecordingParser()
    parser.parseFragment(html_text)
    starts = line_starts(html_text)
    comment_type = html5lib_tokenizer.tokenTypes["Comment"]
    for line, column, token in parser.records:
        end = (starts[line - 1] if line - 1 < len(starts) else len(html_text)) + column
        if token["type"] == comment_type:
            data = token["data"]
            expected = f"<!--{data}-->"
            if html_text[max(0, end - len(expected)):end] != expected:
                yield Finding(source_line(end - 1),
                              "this is read by browsers as a hidden comment, and by other tools differently",
                              "write comments exactly as <!-- ... -->, or remove it; '<!-->', '<?...>', '</ ...>' "
                              "and comments left open hide the text after them")
            continue
        yield from _tag_findings(source_line(max(0, end - 1)), token["name"].lower(), token["data"])


def _tag_findings(line: int, tag: str, attrs: dict[Any, str]) -> Iterator[Finding]:
    if tag in BLOCKED_TAGS:
        yield Finding(line, f"the HTML element <{tag}> is not allowed in a case",
                      "remove it: cases are text, and elements like this can run code or change the page "
                      "in readers' browsers")
        return
    if tag not in ALLOWED_TAGS:
        yield Finding(line, f"the HTML element <{tag}> is not supported and will be removed",
                      "use Markdown instead, or remove it", blocking=False)
    for key, value in attrs.items():
        # A foreign attribute (in SVG or MathML) is a tuple: (prefix, local name, namespace).
        name = str(key) if not isinstance(key, tuple) else f"{key[0]}:{key[1]}" if key[0] else str(key[1])
        yield from _attribute_findings(line, tag, name.lower(), value or "")


def _attribute_findings(line: int, tag: str, name: str, value: str) -> Iterator[Finding]:
    """What is wrong with one attribute of an element."""
    if name.startswith("on"):
        yield Finding(line, f"the attribute {name}= is not allowed in a case", _HANDLER_HINT)
    elif name == "style":
        yield Finding(line, "the attribute style= is not allowed in a case", _STYLE_HINT)
    elif name in URL_ATTRIBUTES and value and (scheme := unsafe_url(value)):
        yield Finding(line, f"a link to a {scheme}: address is not allowed", _LINK_HINT)
    elif tag == "img" and name == "src" and is_remote(value):
        yield Finding(line, _REMOTE_IMAGE, _REMOTE_IMAGE_HINT)
    elif name not in ALLOWED_ATTRIBUTES.get(tag, set()) | _GLOBAL_ATTRIBUTES | {"class"}:
        yield Finding(line, f"the attribute {name}= on <{tag}> will be removed", "remove it", blocking=False)


def too_much_markup(text: str, starts: list[int]) -> Finding | None:
    """A finding if `text` has more tags or '<' characters than a case is read with."""
    hint = "a case is text: use Markdown for headings, lists, links and emphasis, and words for 'less than'"
    for pattern, limit, what in ((_TAG_START_RE, MAX_TAGS, "HTML tags"), (_ANGLE_RE, MAX_ANGLES, "'<' characters")):
        if len(text) > limit:
            for count, match in enumerate(pattern.finditer(text), start=1):
                if count > limit:
                    return Finding(line_of(starts, match.start()),
                                   f"the case has more than {limit:,} {what}: its HTML was not checked", hint)
    return None
