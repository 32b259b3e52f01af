"""Plain text: front-matter values, vocabulary labels and peers' names.

Templates escape them once, so markup shows as typed; these checks tell the contributor, and keep
characters out that would break a feed or reorder the text around them. Patterns only: checking
plain text needs no HTML parser.
"""

from __future__ import annotations

import html
import re

_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CHAR_REF_RE = re.compile(r"&(?:#[0-9]{1,8}+;?|#[xX][0-9a-fA-F]{1,8}+;?|[A-Za-z][A-Za-z0-9]{1,31}+;)")
_PLAIN_TAG_RE = re.compile(r"<\s*+/?\s*+[a-zA-Z!?][^<>]*+>|<\s*+[a-zA-Z]++[\s/]")


def control_character(text: str) -> re.Match[str] | None:
    """The first character that is invisible and meaningless in text, or that XML cannot hold."""
    return _CONTROL_RE.search(text)


def _codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def plain_text_issue(text: str) -> tuple[str, str] | None:
    """(message, hint) if `text`, which is shown as plain text, has markup or hidden characters in it."""
    if (match := control_character(text)) is not None:
        return (f"this contains an invisible control character ({_codepoint(match.group(0))})",
                "delete it: it is often pasted in from another program, and it breaks the site's feed")
    if (match := _BIDI_RE.search(text)) is not None:
        return (f"this contains an invisible text-direction character ({_codepoint(match.group(0))})",
                "delete it: it changes the order in which the words around it are shown")
    if _PLAIN_TAG_RE.search(text):
        return ("this is plain text, but it contains an HTML tag",
                "remove the tag; use the text of the case below the front-matter for formatting")
    if (match := _CHAR_REF_RE.search(text)) is not None:
        shown = html.unescape(match.group(0))
        return (f"{match.group(0)!r} is HTML code, but this is plain text: it would show exactly as typed",
                f"write the character itself ({shown!r})" if shown != match.group(0) else "remove it")
    return None


_FACET_DROPPED = {ord(c): " " for c in '<>,:"\\'}


def search_facet(label: str) -> str:
    """A label as a search filter value: no markup characters, and none that Pagefind's filter syntax reads
    (`key:value, key:value`). Two labels of one kind must not give the same value (the vocabulary's check)."""
    return " ".join(label.replace("&", " and ").translate(_FACET_DROPPED).split())
