"""WCAG 2.2 AA, checked by axe-core in Chromium: every kind of page, light and dark, desktop and phone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page

from .conftest import AXE

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _open_search(page: Page) -> None:
    page.locator(".pagefind-ui__result").first.wait_for()
    page.locator(".pagefind-ui__filter-name").first.wait_for()


PAGES: dict[str, tuple[str, Callable[[Page], None] | None]] = {
    "home": ("", None),
    "cases": ("cases/", None),
    "cases-filtered": ("cases/?theme=funding&status=stopped", None),
    "named-case": ("cases/social-prescribing-link-workers/", None),
    "anonymised-case": ("cases/housing-first-pilot/", None),
    "theme": ("themes/information-governance/", None),
    "themes": ("themes/", None),
    "service": ("services/housing/", None),
    "search-results": ("search/?q=funding", _open_search),
    "open-data": ("open-data/", None),
    "contribute": ("contribute/", None),
    "reference": ("reference/", None),
    "rules": ("rules/", None),
}


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_axe_violations(browser: Browser, site_url: str, name: str, width: int, scheme: str) -> None:
    path, ready = PAGES[name]
    # bypass_csp: axe-core is injected as an inline script, which the site's own policy rightly blocks.
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,  # type: ignore[arg-type]
                                  bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(site_url + path)
        if ready:
            ready(page)
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
        assert axe_violations(page) == []
    finally:
        context.close()
