"""What a reader does: search for a setback, filter the cases, follow a lesson, all by keyboard too."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, Route, expect

from tests.conftest import VOCABULARY_FILE, example_cases

pytestmark = pytest.mark.browser

# What the filters must find, counted from the example case files rather than written down here.
EXAMPLES = example_cases()
TOTAL = len(EXAMPLES)


def on_theme(case: dict[str, Any], theme: str) -> bool:
    """A case is on every theme it, its setbacks or its lessons name."""
    parts = [case, *case["setbacks"], *(i for i in case["do_differently"] if isinstance(i, dict))]
    return any(theme in (part.get("themes") or []) for part in parts)


def matching(region: str | None = None, theme: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    """The example cases a filter leaves, newest first."""
    found = [case for case in EXAMPLES.values() if (region is None or case["region"] == region)
             and (theme is None or on_theme(case, theme)) and (status is None or case["status"] == status)]
    return sorted(found, key=lambda case: str(case["published"]), reverse=True)


def of_total(n: int) -> str:
    return f"{n} of {TOTAL} cases"


def test_search_a_setbacks_words_and_reach_the_case(page: Page, site_url: str) -> None:
    page.goto(site_url)
    page.fill("#candour-q", "information risk owners")
    page.press("#candour-q", "Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=information\+risk\+owners$"))
    result = page.locator(".candour-search__link").first
    expect(result).to_have_text("One front door for early help referrals in Harrowfield")
    expect(page.locator(".candour-search__excerpt").first).to_contain_text("information risk")
    result.click()
    expect(page).to_have_url(re.compile(r"/cases/shared-front-door-referrals/"))
    expect(page.locator("h1")).to_have_text("One front door for early help referrals in Harrowfield")


def test_search_filters_come_from_case_metadata(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/?q=funding")
    expect(page.locator(".candour-search__result").first).to_be_visible()
    page.locator("#candour-search-filters > summary").click()
    filters = page.locator("#candour-search-fields label")
    expect(filters).to_have_count(5, timeout=15_000)
    # Shown in the finder's order (/cases/), with its labels.
    assert filters.all_inner_texts() == ["Region", "Service", "Theme", "Organisations involved", "Status"]
    # Each filter's values in the order /cases/ lists them (the vocabulary's).
    regions = page.eval_on_selector("#search-filter-region",
                                    "s => Array.from(s.options).filter(o => o.value).map(o => o.value)")
    page.goto(site_url + "cases/")
    assert page.locator(".candour-filter label").all_inner_texts()[1:] == [
        "Region", "Service", "Theme", "Organisations involved", "Status"]
    listed = page.eval_on_selector("#filter-region",
                                   "s => Array.from(s.options).filter(o => o.value).map(o => o.dataset.label)")
    assert regions and [r for r in regions if r in listed] == listed


def test_search_results_show_status_region_and_services(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/?q=funding")
    tags = page.locator(".candour-search__result").first.locator(".candour-search__meta")
    expect(tags.first).to_be_visible()
    texts = " ".join(tags.all_inner_texts())
    assert "Status:" in texts and "Region:" in texts and "Services:" in texts, texts
    excerpt = " ".join(page.locator(".candour-search__excerpt").all_inner_texts())
    assert "Impact:About" not in excerpt and "did:We" not in excerpt


def test_search_finds_a_case_by_its_lessons_not_by_its_story(page: Page, site_url: str) -> None:
    """By default a case is found by what it says it learned; a word only its story has finds nothing (the
    casebook's option `search_stories` searches stories too), and the page says what is searched."""
    page.goto(site_url + "search/?q=bottleneck")  # in one example case's story, nowhere else
    expect(page.locator("#candour-search-status")).to_have_text("No results for “bottleneck”.")
    assert "story is on its page" in page.locator("article").inner_text()
    page.goto(site_url + "search/?q=beds")  # the same case's title and setbacks
    expect(page.locator(".candour-search__link", has_text="Discharge to assess beds")).to_be_visible()


def test_search_fetches_the_filters_only_when_the_reader_opens_them(page: Page, site_url: str) -> None:
    """A search fetches the index of its words and the first excerpts; the filters' data only when asked for."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(site_url + "search/?q=funding")
    expect(page.locator(".candour-search__result").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert any(".pf_index" in url for url in fetched) and not any(".pf_filter" in url for url in fetched)
    assert not any("pagefind-ui" in url for url in fetched)
    page.locator("#candour-search-filters > summary").click()
    expect(page.locator("#search-filter-status")).to_be_visible()
    assert any(".pf_filter" in url for url in fetched)


def test_a_search_filter_narrows_the_results_as_its_count_says_and_can_be_shared(page: Page, site_url: str) -> None:
    stopped = len(matching(status="stopped"))
    page.goto(site_url + "search/?q=funding")
    expect(page.locator(".candour-search__result").first).to_be_visible()
    page.locator("#candour-search-filters > summary").click()
    option = page.locator("#search-filter-theme option[value=Funding]")
    expect(option).to_have_text(re.compile(r"^Funding \(\d+\)$"))
    said = int(re.findall(r"\d+", option.inner_text())[0])
    page.select_option("#search-filter-theme", "Funding")
    expect(page.locator("#candour-search-status")).to_have_text(f"{said} result{'s' * (said != 1)} for “funding”")
    expect(page.locator(".candour-search__result")).to_have_count(said)
    expect(page).to_have_url(re.compile(r"/search/\?q=funding&theme=Funding$"))
    # The address alone chooses the filters (opened, so the reader sees why the list is short), words or none.
    page.goto(site_url + "search/?status=Stopped")
    expect(page.locator("#candour-search-status")).to_have_text(f"{stopped} result{'s' * (stopped != 1)}")
    expect(page.locator("#search-filter-status")).to_have_value("Stopped")
    assert page.locator("#candour-search-filters").get_attribute("open") is not None
    for title in page.locator(".candour-search__link").all_inner_texts():
        assert any(case["title"] == title and case["status"] == "stopped" for case in EXAMPLES.values()), title


def test_back_returns_to_the_search_before_and_more_results_take_the_keyboard(page: Page, site_url: str) -> None:
    page.goto(site_url)
    page.fill("#candour-q", "funding")
    page.press("#candour-q", "Enter")
    expect(page.locator(".candour-search__result").first).to_be_visible()
    page.fill("#candour-search-q", "referrals")
    page.press("#candour-search-q", "Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=referrals$"))
    page.locator("#candour-search-filters > summary").click()
    page.select_option("#search-filter-status", "Stopped")
    expect(page).to_have_url(re.compile(r"/search/\?q=referrals&status=Stopped$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/search/\?q=referrals$"))
    expect(page.locator("#search-filter-status")).to_have_value("")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/search/\?q=funding$"))
    expect(page.locator("#candour-search-q")).to_have_value("funding")
    expect(page.locator("#candour-search-status")).to_contain_text("for “funding”")
    # More results than a page shows (two to a page here, where the site shows ten): the first of the next
    # ones takes the keyboard, and the button goes when all are shown.
    def two_to_a_page(route: Route) -> None:
        script = route.fetch().text()
        assert "var STEP = 10;" in script
        route.fulfill(body=script.replace("var STEP = 10;", "var STEP = 2;"), content_type="text/javascript")

    page.route("**/candour-search.js", two_to_a_page)
    page.goto(site_url + "search/?q=funding")
    expect(page.locator(".candour-search__result")).to_have_count(2)
    page.locator("#candour-search-more").press("Enter")
    expect(page.locator(".candour-search__link").nth(2)).to_be_focused()
    while page.locator("#candour-search-more").is_visible():
        page.locator("#candour-search-more").click()
    said = int(page.locator("#candour-search-status").inner_text().split()[0])
    expect(page.locator(".candour-search__result")).to_have_count(said)


def test_filter_cases_by_region_and_by_theme(page: Page, site_url: str) -> None:
    page.goto(site_url + "cases/")
    count = page.locator("#candour-count")
    expect(count).to_have_text(f"{TOTAL} cases")
    page.select_option("#filter-region", "wales")
    expect(count).to_have_text(of_total(len(matching(region="wales"))))
    expect(page.locator("#candour-cases > li:visible")).to_have_count(len(matching(region="wales")))
    expect(page).to_have_url(re.compile(r"/cases/\?region=wales$"))
    page.select_option("#filter-region", "")
    page.select_option("#filter-theme", "funding")
    expect(count).to_have_text(of_total(len(matching(theme="funding"))))
    page.select_option("#filter-status", "stopped")
    both = matching(theme="funding", status="stopped")
    expect(count).to_have_text(of_total(len(both)))
    expect(page.locator("#candour-cases > li:visible h2")).to_have_text([case["title"] for case in both])
    page.click("text=Clear filters")
    expect(count).to_have_text(f"{TOTAL} cases")


def test_show_more_is_hidden_when_there_is_nothing_more(page: Page, site_url: str) -> None:
    """The theme's button style must not beat the `hidden` attribute (#12): not beside 'No cases match'."""
    page.goto(site_url + "cases/?region=london&theme=funding")
    expect(page.locator("#candour-empty")).to_be_visible()
    expect(page.locator("#candour-more")).to_be_hidden()
    page.goto(site_url + "cases/")
    expect(page.locator("#candour-count")).to_have_text(f"{TOTAL} cases")
    expect(page.locator("#candour-more")).to_be_hidden()  # every case already shows


def test_a_filtered_result_links_to_its_case(page: Page, site_url: str) -> None:
    page.goto(site_url + "cases/?region=scotland")
    found = matching(region="scotland")
    expect(page.locator("#candour-count")).to_have_text(of_total(len(found)))
    page.locator("#candour-cases a").first.click()
    slug = next(slug for slug, case in EXAMPLES.items() if case is found[0])
    expect(page).to_have_url(re.compile(rf"/cases/{slug}/$"))
    expect(page.locator("h1")).to_have_text(found[0]["title"])


def test_a_filtered_url_can_be_shared(page: Page, site_url: str) -> None:
    page.goto(site_url + "cases/?theme=procurement&region=scotland")
    expect(page.locator("#candour-count")).to_have_text(of_total(len(matching(region="scotland", theme="procurement"))))
    expect(page.locator("#filter-theme")).to_have_value("procurement")


def test_without_javascript_the_whole_list_shows(browser, site_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "cases/")
    expect(page.locator("#candour-cases > li")).to_have_count(TOTAL)
    expect(page.locator("#candour-filters")).to_be_hidden()
    context.close()


def test_theme_page_links_each_lesson_to_its_case(page: Page, site_url: str) -> None:
    page.goto(site_url + "themes/")
    page.click("text=Information governance")
    expect(page.locator("h1")).to_have_text("Information governance")
    lesson = page.locator("#do-differently + ul li").first
    expect(lesson).to_contain_text("senior information risk owners")
    lesson.locator("a").click()
    expect(page).to_have_url(re.compile(r"/cases/shared-front-door-referrals/#do-differently$"))


def tab_to(page: Page, is_there: str, what: str, presses: int = 40) -> None:
    """Press Tab until the JavaScript test `is_there` holds for the focused element, or fail."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => Boolean(el && ({is_there})))(document.activeElement)"):
            return
    pytest.fail(f"{what} cannot be reached with Tab")


def test_keyboard_only_search(page: Page, site_url: str) -> None:
    page.goto(site_url)
    tab_to(page, "el.id === 'candour-q'", "the header search box")
    page.keyboard.type("home care")
    page.keyboard.press("Enter")
    expect(page.locator(".candour-search__link").first).to_be_visible()
    tab_to(page, "el.classList.contains('candour-search__link')", "the first search result")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cases/discharge-to-assess-beds/"))


def test_keyboard_only_filters(page: Page, site_url: str) -> None:
    page.goto(site_url + "cases/")
    tab_to(page, "el.id === 'filter-region'", "the region filter")
    page.keyboard.press("ArrowDown")  # first region that has cases
    regions = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))["regions"]
    first = next(len(matching(region=r)) for r in regions if matching(region=r))
    expect(page.locator("#candour-count")).to_have_text(re.compile(rf"^{of_total(first)}$"))
