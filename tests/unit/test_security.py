"""The page policies: what the Content-Security-Policy allows, which scripts it hashes, and links to other sites."""

from __future__ import annotations

import base64
import hashlib

import pytest

from candour.site import security


def sha(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_the_policy_allows_only_the_sites_own_scripts_and_the_hashed_ones() -> None:
    policy = dict(d.split(" ", 1) for d in security.content_security_policy(["abc=", "abc="]).split("; "))
    assert policy["script-src"] == "'self' 'wasm-unsafe-eval' 'sha256-abc='"  # once, however often given
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'" and policy["frame-src"] == "'none'"


def test_a_nonce_is_added_only_when_given() -> None:
    assert "'nonce-n0nce'" in security.content_security_policy([], "n0nce")
    assert "nonce" not in security.content_security_policy([])


def test_only_inline_scripts_that_run_are_hashed() -> None:
    page = ('<script>var a = 1;</script><script src="x.js"></script>'
            '<script type="application/json">{"a": 1}</script><SCRIPT>b()</SCRIPT >')
    assert security.inline_script_hashes(page) == [sha("var a = 1;"), sha("b()")]


@pytest.mark.parametrize(("link", "changed"), [
    ('<a href="https://other.example/x">', True),
    ('<a href="//other.example/x">', True),
    ("<a href='HTTP://OTHER.example'>", True),
    ('<a href="https://site.example/cases/">', False),  # the site's own address
    ('<a href="../cases/">', False),
    ('<a href="mailto:a@b.example">', False),
    ('<a href="https://other.example" rel="me">', False),  # a rel of its own is kept
])
def test_links_to_other_sites_get_noopener(link: str, changed: bool) -> None:
    out = security.external_links(f"<p>{link}x</a></p>", "https://site.example/sub/")
    assert ('rel="noopener noreferrer"' in out) is changed


def test_a_page_without_the_policy_tag_is_seen() -> None:
    tag = f'<meta http-equiv="Content-Security-Policy" content="{security.content_security_policy([])}">'
    assert not security.has_policy("<html><head><meta charset=utf-8></head></html>")
    assert security.has_policy(f"<html><head>{tag.replace(chr(39), '&#39;')}</head></html>")
