"""Federation, end to end: two casebooks made with `candour init`, built and served under sub-paths of a
loopback server; an index that federates them (and a third peer whose snapshot a hostile pull request
wrote), built with `mkdocs build --strict`, and read in Chromium."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from candour.adapters.cli import main
from tests.browser.conftest import serve
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser

PAYLOAD = "<img src=x onerror=\"window.__hit=1\">"


def _start(folder: Path, site_url: str, output: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CANDOUR_SITE_URL": site_url}
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(output)], cwd=folder,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _built(build: subprocess.Popen[str]) -> str:
    _, log = build.communicate(timeout=300)
    assert build.returncode == 0, log
    return log


def _casebook(folder: Path, name: str) -> Path:
    assert main(["init", str(folder), "--name", name]) == 0
    return folder


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(the index's address, its build log), with the peers' sites served beside it."""
    root = tmp_path_factory.mktemp("federation")
    sites = root / "sites"
    sites.mkdir()
    with serve(sites) as server:
        alpha = _casebook(root / "alpha", "Alpha Network")
        building = _start(alpha, server + "alpha/", sites / "alpha")  # the two peers are built side by side
        beta = _casebook(root / "beta", "Beta Network")
        vocabulary = beta / "cases" / "vocabulary.yml"
        vocabulary.write_text(vocabulary.read_text().replace("themes:\n", "themes:\n  tenancy-sustainment: Tenancy "
                                                                          "sustainment\n", 1))
        example = (beta / "cases" / "example-housing-first-pilot.md").read_text()
        title = re.search(r"^title: (.*)$", example, re.MULTILINE)
        assert title is not None
        (beta / "cases" / "tenancy-officers.md").write_text(
            example.replace(title.group(0), "title: Tenancy sustainment officers in a district council")
            .replace("themes: [funding,", "themes: [tenancy-sustainment, funding,"))
        _built(_start(beta, server + "beta/", sites / "beta"))
        _built(building)

        index = _casebook(root / "index", "Index Network")
        config = index / "mkdocs.yml"
        config.write_text(config.read_text().replace("      vocabulary: cases/vocabulary.yml\n", (
            "      vocabulary: cases/vocabulary.yml\n      peers:\n"
            f"        - name: Alpha Network\n          url: {server}alpha/\n"
            f"        - name: Beta Network\n          url: {server}beta/\n"
            "        - name: Ghost Network\n          url: https://ghost.example/\n")))
        os.environ["CANDOUR_SITE_URL"] = server + "index/"
        try:
            assert main(["--config", str(config), "federate", "--timeout", "1"]) == 0
        finally:
            del os.environ["CANDOUR_SITE_URL"]
        # A pull request rewrote the unreachable peer's snapshot: one good case, and hostile ones.
        snapshot = json.loads((index / "network" / "ghost-network.json").read_text())
        good = json.loads((index / "network" / "alpha-network.json").read_text())["cases"][0]
        snapshot["fetched"] = "2026-01-02T03:04:05Z"
        snapshot["cases"] = [
            {**good, "slug": "ghost-case", "url": "https://ghost.example/cases/ghost-case/",
             "title": "A ghostly pilot of shared triage"},
            {**good, "slug": "xss", "url": "https://ghost.example/cases/xss/", "title": f"Hostile {PAYLOAD} title"},
            {**good, "slug": "away", "url": "javascript:window.__hit=1"},
        ]
        snapshot["error"]["message"] = PAYLOAD
        (index / "network" / "ghost-network.json").write_text(json.dumps(snapshot))
        log = _built(_start(index, server + "index/", sites / "index"))
        yield server + "index/", log


@pytest.fixture
def reader(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    yield page
    assert page.evaluate("window.__hit") is None
    context.close()
    assert errors == []


def test_the_build_reports_what_it_left_out(federation: tuple[str, str]) -> None:
    _, log = federation
    assert "network: 4 cases from 3 peers" in log
    assert "network: Ghost Network: case 2 (xss) left out: C" in log
    assert "network: Ghost Network: case 3 (away) left out: its address 'javascript:window.__hit=1' is not a page " \
           "of https://ghost.example/" in log


def test_the_network_page_finds_cases_across_networks(federation: tuple[str, str], reader: Page) -> None:
    index, _ = federation
    reader.goto(index + "network/")
    expect(reader.locator("h1")).to_have_text("Cases across the network")
    expect(reader.locator("#candour-count")).to_have_text("5 cases")  # its own, alpha's, beta's two, ghost's one
    reader.select_option("#filter-network", "Beta Network")
    expect(reader.locator("#candour-count")).to_have_text("2 of 5 cases")
    cards = reader.locator("#candour-cases > li")
    expect(cards).to_have_count(2)
    # Its network, and when this index fetched it, on the cards the finder draws as on the page's own.
    fetched = re.compile(r"^From Beta Network, fetched \d+ \w+ \d{4}$")
    expect(cards.first.locator(".candour-network")).to_have_text(fetched)
    reader.goto(index + "network/")
    expect(reader.locator(".candour-network").first).to_have_text(
        re.compile(r"^From (Alpha|Beta|Ghost) Network, fetched \d+ \w+ \d{4}$"))
    reader.select_option("#filter-network", "Beta Network")
    expect(cards).to_have_count(2)
    links = cards.locator("h2 a").evaluate_all("links => links.map(a => a.href)")
    assert all(link.startswith(index.replace("index/", "beta/cases/")) for link in links), links
    # A peer's own term, under its own label, is a filter option with its count.
    reader.select_option("#filter-network", "")
    reader.select_option("#filter-theme", "tenancy-sustainment")
    expect(reader.locator("#candour-count")).to_have_text("1 of 5 cases")
    expect(reader.locator("#filter-theme option[value=tenancy-sustainment]")).to_have_text("Tenancy sustainment (1)")
    # Without JavaScript's help, the page's own list has the cards too.
    html = reader.content()
    assert PAYLOAD not in html and "__hit" not in html


def test_search_finds_another_networks_case_and_links_to_its_home(federation: tuple[str, str], reader: Page) -> None:
    index, _ = federation
    reader.goto(index + "search/?q=tenancy+sustainment+officers")
    result = reader.locator(".candour-search__link").first
    expect(result).to_have_text("Tenancy sustainment officers in a district council (Beta Network)")
    assert result.get_attribute("href") == index.replace("index/", "beta/cases/tenancy-officers/")
    reader.locator("#candour-search-filters > summary").click()
    reader.select_option("#search-filter-network", "Beta Network")
    expect(reader.locator(".candour-search__link").first).to_have_text(
        "Tenancy sustainment officers in a district council (Beta Network)")
    assert "network=Beta+Network" in reader.url


def test_a_themes_lessons_come_from_every_network(federation: tuple[str, str], reader: Page) -> None:
    index, _ = federation
    reader.goto(index + "themes/funding/")
    text = reader.locator("article").inner_text()
    assert "from other networks" in text
    for name in ("Alpha Network", "Beta Network", "Ghost Network"):
        assert f", {name}" in text, name


def test_the_status_page_says_how_each_peer_is(federation: tuple[str, str], reader: Page) -> None:
    index, _ = federation
    reader.goto(index + "network/status/")
    ghost = reader.locator("section", has=reader.locator("#peer-ghost-network"))
    expect(ghost.locator("dd time").first).to_have_text("2026-01-02")
    expect(ghost).to_contain_text(PAYLOAD)  # the hostile error message, as text
    ghost.locator("summary").click()
    expect(ghost.locator("li")).to_have_count(2)
    alpha = reader.locator("section", has=reader.locator("#peer-alpha-network"))
    expect(alpha.locator("dd").first).to_have_text("1")


@pytest.mark.parametrize(("path", "width", "scheme"), [("network/?network=Beta+Network", 1280, "light"),
                                                       ("network/status/", 375, "dark"),
                                                       ("themes/funding/", 375, "light")])
def test_the_network_pages_meet_wcag(federation: tuple[str, str], browser: Browser, path: str, width: int,
                                     scheme: str) -> None:
    index, _ = federation
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,  # type: ignore[arg-type]
                                  bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(index + path)
        page.locator("#candour-count, h1").first.wait_for()
        if "?" in path:
            expect(page.locator("#candour-count")).to_have_text("2 of 5 cases")
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert axe_violations(page) == []
    finally:
        context.close()
