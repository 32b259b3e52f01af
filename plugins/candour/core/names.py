"""Names: the slugs of files and web addresses, and 'did you mean' suggestions for a mistyped name.

Small and free of the schema's imports, so reading the settings does not build the case model.
"""

from __future__ import annotations

import difflib
import re

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SLUG_GAP_RE = re.compile(r"[^a-z0-9]++")


def slugify(text: str, fallback: str = "new-case") -> str:
    """A file name and web address from any text: lower-case letters, digits and single hyphens, at most 80."""
    return _SLUG_GAP_RE.sub("-", text.lower()).strip("-")[:80].strip("-") or fallback


def did_you_mean(word: str, options: list[str]) -> str:
    """A 'did you mean' suggestion, or '' when nothing is close."""
    # 0.7: close enough for a typo ('fundng', 'digital-sytems'), not for another word that shares a
    # suffix ('housing-allocations' is not 'co-location').
    match = difflib.get_close_matches(word.lower(), options, n=1, cutoff=0.7)
    return f"did you mean '{match[0]}'?" if match else ""
