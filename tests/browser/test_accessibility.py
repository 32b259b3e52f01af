"""WCAG 2.2 AA, checked by axe-core in Chromium: every kind of page, light and dark, desktop and phone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page

from .conftest import AXE

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _open_search(page: Page) -> None:
    page.locator(".candour-search__result").first.wait_for()
    page.locator("#candour-search-filters > summary").click()
    page.locator("#search-filter-region").wait_for()


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
    "not-found": ("404.html", None),
    "accessibility": ("accessibility/", None),  # the privacy note is a Markdown page of the same kind
}


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


# Every page in both colour schemes and at both widths; pages built from the same templates as another
# (a second case page, a second listing, the hand-written pages) on the diagonal: each scheme and each
# width once. Contrast depends on the scheme and reflow on the width, so the diagonal still meets both.
FULL = ("home", "cases-filtered", "named-case", "search-results", "theme")
VIEWS = [(name, width, scheme) for name in PAGES for width in (1280, 375) for scheme in ("light", "dark")
         if name in FULL or (width, scheme) in ((1280, "light"), (375, "dark"))]


@pytest.mark.parametrize(("name", "width", "scheme"), VIEWS, ids=[f"{n}-{w}-{s}" for n, w, s in VIEWS])
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
