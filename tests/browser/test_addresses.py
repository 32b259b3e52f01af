"""The site under a sub-path, as on a GitHub Pages project site, and the live reload of `make serve` (#11)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import copy_site

from .conftest import _Handler

pytestmark = pytest.mark.browser

PREFIX = "/network-casebook/"


class _PagesHandler(_Handler):
    """A static host that answers a missing page with the site's own 404 page, as GitHub Pages does."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / PREFIX.strip("/") / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def sub_path_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example site built for http://127.0.0.1:PORT/network-casebook/ and served there."""
    folder = copy_site(tmp_path_factory.mktemp("sub-path"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}{PREFIX}"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CANDOUR_SITE_URL": url}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d",
                             str(folder / "public" / PREFIX.strip("/"))], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(_PagesHandler, directory=str(folder / "public"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def _watch(page: Page) -> list[str]:
    """Every failed request and every policy violation or script error on the page, as it happens."""
    problems: list[str] = []
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 and
            not r.url.endswith("/no-such-page/") else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    return problems


@pytest.mark.parametrize("path", ["", "cases/", "cases/shared-front-door-referrals/", "themes/", "search/?q=funding",
                                  "no-such-page/"])
def test_every_page_works_under_a_sub_path(browser: Browser, sub_path_site: str, path: str) -> None:
    page = browser.new_page()
    problems = _watch(page)
    page.goto(sub_path_site + path)
    page.wait_for_load_state("networkidle")
    # Styled: the theme's stylesheet loaded from under the sub-path, the 404 page included.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    if path.startswith("search/"):
        expect(page.locator(".candour-search__result").first).to_be_visible()
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    own = [link for link in links if link.startswith("http://127.0.0.1")]
    assert own and all(link.startswith(sub_path_site) for link in own), [x for x in own if PREFIX not in x][:3]
    # The reader's colour preference is kept for this site only, not for the whole domain.
    page.click("label[title][for='__palette_1'], label[title][for='__palette_0']")
    keys = page.evaluate("Object.keys(localStorage)")
    assert keys and all(key.startswith(PREFIX) for key in keys), keys
    page.close()
    assert problems == []


def test_published_addresses_use_the_public_address(sub_path_site: str, browser: Browser) -> None:
    page = browser.new_page()
    for data in ("feed.xml", "sitemap.xml", "cases.json"):
        text = page.goto(sub_path_site + data).text()
        found = set(re.findall(r"https?://[^\"<\s]+", text)) - {"http://www.w3.org/2005/Atom",
                                                                "http://www.sitemaps.org/schemas/sitemap/0.9"}
        own = {u for u in found if "127.0.0.1" in u}
        assert own and all(u.startswith(sub_path_site) for u in own), (data, sorted(own)[:3])
    page.close()


def test_make_serve_reloads_an_edited_case_under_the_policy(browser: Browser, tmp_path: Path) -> None:
    """`mkdocs serve`'s live-reload script runs (and only it): edit a case, and the open page changes."""
    folder = copy_site(tmp_path)
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/cases/shared-front-door-referrals/"
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            assert time.monotonic() < deadline and server.poll() is None, "mkdocs serve did not start"
            time.sleep(0.5)
        page = browser.new_page()
        problems = _watch(page)
        page.goto(url, timeout=120_000)
        title = "One front door for early help referrals in Harrowfield"
        expect(page.locator("h1")).to_have_text(title)
        assert page.locator("script[nonce]").count() == 1  # the live-reload script, and no other
        case = folder / "cases" / "shared-front-door-referrals.md"
        case.write_text(case.read_text(encoding="utf-8").replace(title, title + " (edited)", 1), encoding="utf-8")
        expect(page.locator("h1")).to_have_text(title + " (edited)", timeout=60_000)
        # An edit that breaks a case: the preview says so on every page, in the browser, not only in the terminal.
        case.write_text(case.read_text(encoding="utf-8").replace("do_differently:", "do_differently:\n  - TBC", 1),
                        encoding="utf-8")
        page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
        banner = page.locator(".candour-preview-problems")
        expect(banner).to_contain_text("Not published: 1 problem to fix", timeout=60_000)
        expect(banner).to_contain_text("cases/shared-front-door-referrals.md:")
        expect(banner).to_contain_text("C101")
        page.close()
        assert problems == []
    finally:
        server.terminate()
        server.wait(timeout=30)
