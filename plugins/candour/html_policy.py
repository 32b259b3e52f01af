"""The one HTML policy for case bodies, applied by the validator and by the site.

Cases come from outside the project, so nothing in one may run in a reader's browser:

- The validator rejects, with a located error, the elements and attributes that can run script,
  load other pages or change the page (see `BLOCKED_TAGS`, event handlers, `javascript:` and
  other dangerous link targets), so the contributor knows to remove them.
- The site passes every case body through nh3 (the Ammonia sanitiser) with the allowlist below,
  so anything the validator missed is removed, not published.
- Front-matter text is always plain text: templates escape it, so HTML there shows as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

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
    "video", "source", "track", "canvas", "dialog", "xml", "import",
})
_GLOBAL_ATTRIBUTES = {"id", "class", "title", "lang", "dir"}
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
URL_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite",
                            "srcset", "data", "codebase"})
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")


def is_remote(url: str) -> bool:
    """True for a URL on another site: images from elsewhere would tell that site who reads a case."""
    cleaned = _INVISIBLE_RE.sub("", html.unescape(url))
    return cleaned.startswith("//") or url_scheme(url) is not None


def _drop_remote_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and is_remote(value):
        return None
    return value


def sanitise(fragment: str) -> str:
    """The site's last line of defence: keep only the allowlist; links get rel=noopener noreferrer."""
    return nh3.clean(
        fragment,
        attribute_filter=_drop_remote_images,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(BLOCKED_TAGS) - {"noscript"},
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in `url` (entities decoded, invisible characters dropped)."""
    cleaned = _INVISIBLE_RE.sub("", html.unescape(url))
    match = _SCHEME_RE.match(cleaned)
    return match.group(1).lower() if match else None


def unsafe_url(url: str) -> str | None:
    """The scheme, if `url` has one that is not allowed (javascript:, data:, vbscript:, file: ...)."""
    scheme = url_scheme(url)
    return scheme if scheme is not None and scheme not in URL_SCHEMES else None


@dataclass(frozen=True)
class Finding:
    line: int  # 1-based, within the text scanned
    message: str
    hint: str
    blocking: bool = True


# Markdown constructs that carry a URL: inline links and images, reference definitions, autolinks.
_MD_INLINE_URL_RE = re.compile(r"(!?)\[[^\]]*\]\(\s*<?([^)\s>]*)")
_REMOTE_IMAGE = "images must be files of this site, not links to another site"
_REMOTE_IMAGE_HINT = ("put the image file in the site and link to it by its path: an image from another site "
                      "tells that site who reads the case")
_MD_REFERENCE_RE = re.compile(r"^[ ]{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_MD_AUTOLINK_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^<>\s]*)>")
# Markdown attribute lists ({: .class key=value }) can set attributes too, event handlers included.
_MD_ATTR_LIST_RE = re.compile(r"\{:?[^{}\n]*?(?<![\w-])(on[a-z]+|style)\s*=", re.IGNORECASE)
_FENCE_RE = re.compile(r"^([ ]{0,3})(`{3,}|~{3,})[^\n]*\n.*?(?:^\1?\2[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
_CODE_SPAN_RE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def _blank(match: re.Match[str]) -> str:
    """Replace code with spaces, keeping its newlines so line numbers still match."""
    return re.sub(r"[^\n]", " ", match.group(0))


def without_code(markdown: str) -> str:
    """The Markdown with fenced code blocks and code spans blanked out: HTML shown as code is fine."""
    if "`" not in markdown and "~~~" not in markdown:
        return markdown
    return _CODE_SPAN_RE.sub(_blank, _FENCE_RE.sub(_blank, markdown))


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in BLOCKED_TAGS:
            self.findings.append(Finding(line, f"the HTML element <{tag}> is not allowed in a case",
                                         "remove it: cases are text, and elements like this can run code "
                                         "in readers' browsers"))
            return
        if tag not in ALLOWED_TAGS:
            self.findings.append(Finding(line, f"the HTML element <{tag}> is not supported and will be removed",
                                         "use Markdown instead, or remove it", blocking=False))
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | _GLOBAL_ATTRIBUTES
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(Finding(line, f"the HTML attribute {name}= is not allowed in a case",
                                             "remove it: event handlers run code in readers' browsers"))
            elif name in URL_ATTRIBUTES and value and (scheme := unsafe_url(value)):
                self.findings.append(Finding(line, f"a link to a {scheme}: address is not allowed",
                                             "link only to web pages (https://...) or email (mailto:)"))
            elif tag == "img" and name == "src" and value and is_remote(value):
                self.findings.append(Finding(line, _REMOTE_IMAGE, _REMOTE_IMAGE_HINT))
            elif name == "style":
                self.findings.append(Finding(line, "the HTML attribute style= is not allowed in a case",
                                             "remove it: the site's own styles apply to every case"))
            elif name not in allowed:
                self.findings.append(Finding(line, f"the HTML attribute {name}= on <{tag}> will be removed",
                                             "remove it", blocking=False))

    handle_startendtag = handle_starttag


def scan_body(markdown: str) -> Iterator[Finding]:
    """Every raw-HTML element, attribute and link target in a case body that the policy blocks."""
    text = without_code(markdown)
    if "<" in text:  # no raw HTML, nothing for the HTML parser to find
        scanner = _Scanner()
        try:
            scanner.feed(text)
            scanner.close()
        except Exception:  # HTMLParser is lenient; this only guards against the unforeseen
            pass
        yield from scanner.findings
    if "{" in text:
        for match in _MD_ATTR_LIST_RE.finditer(text):
            name = match.group(1).lower()
            hint = ("remove it: the site's own styles apply to every case" if name == "style"
                    else "remove it: event handlers run code in readers' browsers")
            yield Finding(text.count("\n", 0, match.start()) + 1,
                          f"the attribute {name}= is not allowed in a case, in HTML or in a Markdown attribute list",
                          hint)
    # Each construct has a marker without which the pattern cannot match: skip the scan when it is absent.
    patterns = [p for p, marker in ((_MD_INLINE_URL_RE, "]("), (_MD_REFERENCE_RE, "]:"), (_MD_AUTOLINK_RE, ":"))
                if marker in text and (p is not _MD_AUTOLINK_RE or "<" in text)]
    for pattern in patterns:
        for match in pattern.finditer(text):
            url = match.group(match.lastindex or 1)
            line = text.count("\n", 0, match.start(match.lastindex or 1)) + 1
            scheme = unsafe_url(url)
            if scheme is not None:
                yield Finding(line, f"a link to a {scheme}: address is not allowed",
                              "link only to web pages (https://...) or email (mailto:)")
            elif pattern is _MD_INLINE_URL_RE and match.group(1) == "!" and is_remote(url):
                yield Finding(line, _REMOTE_IMAGE, _REMOTE_IMAGE_HINT)
