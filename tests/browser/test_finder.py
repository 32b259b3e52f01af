"""Readers, second round (#12): the finder on /cases/, lessons first on a phone, counts that agree everywhere."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser


def option_counts(page: Page, select: str) -> dict[str, str]:
    return page.eval_on_selector(select, """s => Object.fromEntries(Array.from(s.options).filter(o => o.value)
        .map(o => [o.value, o.textContent + (o.disabled ? ' disabled' : '')]))""")


def test_option_counts_follow_the_other_choices_and_empty_ones_cannot_be_chosen(page: Page, site_url: str) -> None:
    page.goto(site_url + "cases/")
    page.select_option("#filter-theme", "funding")
    expect(page.locator("#candour-count")).not_to_have_text("Finding cases…")
    regions = option_counts(page, "#filter-region")
    # Every region's count is the number of funding cases there; a region with none says so and is off.
    shown = int(page.locator("#candour-count").inner_text().split()[0])
    assert sum(int(text.split("(")[1].split(")")[0]) for text in regions.values()) == shown
    assert any(text.endswith("(0) disabled") for text in regions.values())
    assert all(not text.endswith("disabled") for text in regions.values() if not text.endswith("(0) disabled"))
    # Choosing any option that is not off never empties the list.
    for value, text in regions.items():
        if not text.endswith("disabled"):
            page.select_option("#filter-region", value)
            expect(page.locator("#candour-empty")).to_be_hidden()
            expect(page.locator("#candour-cases > li")).not_to_have_count(0)


def test_words_filter_as_you_type(page: Page, site_url: str) -> None:
    page.goto(site_url + "cases/")
    page.fill("#filter-q", "night bus")
    expect(page.locator("#candour-count")).to_have_text(re.compile(r"^1 of \d+ cases$"))
    expect(page.locator("#candour-cases h2")).to_have_text("A youth outreach night bus for Llanfair's town centre")
    expect(page).to_have_url(site_url + "cases/?q=night+bus")
    page.fill("#filter-q", "no such words anywhere")
    expect(page.locator("#candour-empty")).to_be_visible()
    expect(page.locator("#candour-more")).to_be_hidden()


def test_cards_show_status_region_services_date_and_illustrative(page: Page, site_url: str) -> None:
    page.goto(site_url + "cases/")
    first = page.locator("#candour-cases > li").first
    meta = first.locator(".candour-meta")
    expect(meta.locator(".candour-status")).to_be_visible()
    expect(meta).to_contain_text("Illustrative")
    expect(meta).to_contain_text("Published ")
    before = meta.inner_text()
    page.select_option("#filter-status", page.eval_on_selector("#filter-status", "s => s.options[1].value"))
    # The cards drawn by the script say the same things as the page's own.
    expect(page.locator("#candour-cases > li .candour-meta").first).to_contain_text("Published ")
    assert "Illustrative" in before


def test_on_a_phone_the_filters_fold_and_the_results_come_first(browser: Browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.goto(site_url + "cases/")
    expect(page.locator("#candour-finder")).to_be_visible()
    expect(page.locator("#filter-region")).to_be_hidden()
    assert page.locator("#candour-cases > li").first.bounding_box()["y"] < 812  # type: ignore[index]
    page.click("text=Filter cases")
    expect(page.locator("#filter-region")).to_be_visible()
    page.close()


def test_on_a_phone_the_lessons_are_on_the_first_screen(browser: Browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 812})
    for slug in ("housing-first-pilot", "social-prescribing-link-workers", "shared-front-door-referrals"):
        page.goto(site_url + f"cases/{slug}/")
        box = page.locator("#do-differently").bounding_box()
        assert box is not None and box["y"] + box["height"] <= 812, (slug, box)
    name = page.locator(".md-header__topic .md-ellipsis").first
    assert name.evaluate("e => e.scrollWidth <= e.clientWidth"), "the site's name is cut short"
    page.close()


def test_the_text_measure_is_at_most_about_75_characters(page: Page, site_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    for path in ("cases/housing-first-pilot/", ""):
        page.goto(site_url + path)
        # Characters per line: each block's width over the average width of a character of English text
        # (letters and spaces) in its own font.
        widths = page.evaluate("""() => {
            const ctx = document.createElement('canvas').getContext('2d');
            const sample = 'the quick brown fox jumps over the lazy dog while the team learns ';
            return Array.from(document.querySelectorAll('.md-content p, .md-content li')).map(e => {
                const cs = getComputedStyle(e);
                ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
                return e.getBoundingClientRect().width / (ctx.measureText(sample).width / sample.length); }); }""")
        assert max(widths) <= 78, (path, max(widths))


def test_theme_counts_agree_with_the_filters_and_the_search_index(page: Page, site_url: str) -> None:
    page.goto(site_url + "themes/")
    listed = {item.locator("a").inner_text(): int(item.locator(".candour-meta").inner_text().split()[0])
              for item in page.locator(".candour-terms > li").all()}
    assert listed and all(listed.values())  # terms with no case are not listed as dead entries
    page.goto(site_url + "cases/")
    filters = {text.rsplit(" (", 1)[0]: int(text.rsplit("(", 1)[1].rstrip(")").split(")")[0])
               for text in option_counts(page, "#filter-theme").values()}
    assert listed == filters
    with urllib.request.urlopen(site_url + "cases/filter-index.json") as response:
        index = json.load(response)
    on_theme = {label: sum(1 for row in index["cases"] if i in row[6])
                for i, label in enumerate(index["labels"]["themes"])}
    assert {k: v for k, v in on_theme.items() if v} == listed
    page.goto(site_url + "search/?q=funding")
    page.locator(".candour-search__result").first.wait_for()
    pagefind = page.evaluate("""async (bundle) => { const pf = await import(bundle + 'pagefind.js');
        return (await pf.filters()).theme; }""", site_url + "pagefind/")
    assert pagefind == {label: n for label, n in listed.items()}


def test_a_theme_page_shows_only_lessons_on_its_theme_unless_labelled_apart(page: Page, site_url: str) -> None:
    page.goto(site_url + "themes/funding/")
    lessons = page.locator("#do-differently + ul > li")
    expect(lessons.first).to_be_visible()
    for text in lessons.all_inner_texts():
        assert "clinical codes" not in text and "second-hand vehicle" not in text, text
    other = page.locator(".candour-apart")
    if other.count():
        expect(other.locator("h2")).to_have_text("Also from these cases, not tagged with Funding")
    expect(page.locator("#setbacks + ul > li").first.locator("dt").first).to_be_visible()  # why/impact shown
