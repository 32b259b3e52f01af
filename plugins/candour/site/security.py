"""Page hardening: the Content-Security-Policy and referrer policy every page carries, safe external links.

The policies are computed here and written by the templates (`main.html`, block `site_meta`).

The policy lets a page run only the site's own script files, the theme's own inline scripts, and
the WebAssembly that Pagefind's search needs. The theme's inline scripts are allowed one by one by
their SHA-256 hash, taken from a page rendered with no case content at all (the theme's 404 page),
so no script that reached a page through a case can ever match.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

REFERRER_POLICY = "same-origin"
#: What the 404 page's policy says until its own inline scripts have been hashed.
PENDING = "candour-policy-pending"
_POLICY_TAG_RE = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"<>]++">')
_INLINE_SCRIPT_RE = re.compile(r"<script(?P<attrs>[^<>]*+)>(?P<body>(?:[^<]++|<(?!/script))*+)</script\s*+>",
                               re.IGNORECASE)
_DATA_TYPES = ("application/json", "application/ld+json", "importmap")
_ANCHOR_RE = re.compile(r"<a\s[^<>]*+>", re.IGNORECASE)
_HREF_RE = re.compile(r"""\shref\s*+=\s*+(?:"([^"]*+)"|'([^']*+)')""", re.IGNORECASE)
_REL_RE = re.compile(r"\srel\s*+=", re.IGNORECASE)


def content_security_policy(script_hashes: Iterable[str], nonce: str | None = None) -> str:
    """The policy; `nonce` only under `mkdocs serve`, for the one script its live reload adds to a page."""
    hashes = " ".join(f"'sha256-{h}'" for h in sorted(set(script_hashes)))
    if nonce:
        hashes += f" 'nonce-{nonce}'"
    directives = {
        "default-src": "'self'",
        # 'wasm-unsafe-eval' lets Pagefind compile its WebAssembly; it does not allow eval() of JavaScript.
        "script-src": f"'self' 'wasm-unsafe-eval' {hashes}".strip(),
        # The theme and Pagefind's UI set inline styles; case bodies cannot (the sanitiser drops style=).
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "media-src": "'self'",
        "object-src": "'none'",
        "frame-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def inline_script_hashes(html: str) -> list[str]:
    """SHA-256 (base64) of every inline script that runs: data blocks such as JSON are not scripts."""
    hashes = []
    for match in _INLINE_SCRIPT_RE.finditer(html):
        attrs = match.group("attrs")
        if "src=" in attrs.lower() or any(t in attrs.lower() for t in _DATA_TYPES):
            continue
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        hashes.append(base64.b64encode(digest).decode("ascii"))
    return hashes


def external_links(html: str, site_url: str) -> str:
    """`html` with `rel="noopener noreferrer"` on every link to another site that has no `rel` of its own."""
    site_host = urlsplit(site_url).netloc.lower()

    def fix(match: re.Match[str]) -> str:
        tag = match.group(0)
        href = _HREF_RE.search(tag)
        url = (href.group(1) or href.group(2) or "") if href else ""
        try:
            host = urlsplit(url).netloc.lower() if url.lower().startswith(("http:", "https:", "//")) else ""
        except ValueError:  # not a well-formed address: treat it as another site's
            host = "?"
        if not host or host == site_host or _REL_RE.search(tag):
            return tag
        return tag[:-1].rstrip("/") + ' rel="noopener noreferrer">'

    return _ANCHOR_RE.sub(fix, html)


def has_policy(page_html: str) -> bool:
    """Whether the page carries a policy (a casebook's own main.html could drop the block that writes it)."""
    return _POLICY_TAG_RE.search(page_html) is not None


def scope_of(site_url: str | None) -> str:
    """The path a site is served under ('/' at a domain's root, '/candour/' for a GitHub project site)."""
    path = urlsplit(site_url or "").path or "/"
    return path if path.endswith("/") else path + "/"


def with_nonce(page: bytes, nonce: str) -> bytes:
    """The page with the last bare `<script>` (the one `mkdocs serve` adds before `</body>`) given `nonce`."""
    at = page.rfind(b"<script>")
    if at < 0:
        return page
    return page[:at] + b'<script nonce="' + nonce.encode("ascii") + b'">' + page[at + len(b"<script>"):]
