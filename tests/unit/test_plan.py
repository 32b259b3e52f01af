"""The site plan, tested without a site engine: every page, data file and count of a small casebook."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from candour.core import casebook
from candour.core.settings import PluginOptions
from candour.core.vocabulary import Vocabulary
from candour.site import plan as site_plan
from candour.site.plan import Plan, PlanError

from ..conftest import case_text, good

GOLDEN = Path(__file__).parents[1] / "golden" / "plan" / "small-casebook.json"
SITE_URL = "https://cases.example.org/network/"
TODAY = dt.date(2026, 1, 15)


def url_of(path: str) -> str:
    """MkDocs' directory URLs: 'cases/index.md' -> 'cases/', 'cases/x.md' -> 'cases/x/'."""
    stem = path.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


CASES = {
    # newest first by 'published'; themes and setback themes chosen so that theme pages differ from filters
    "night-shelter-triage": good(title="Night shelter triage", published="2025-05-01", region="london",
                                 themes=["funding"], services=["housing"]),
    "shared-referrals": good(),  # referral-pathways, children-and-families, east-of-england
    "library-benefits-advice": good(
        title="Benefits advice in libraries", published="2023-02-10", status="in-progress", ended=None,
        attribution="anonymised", organisations=None, described_as="A district council in the east",
        themes=["referral-pathways", "funding"],
        setbacks=[{"what": "The library computers blocked the benefits calculator for the first two months.",
                   "themes": ["digital-systems"]}],
        do_differently=[{"text": "Test the library network with the calculator before the first session.",
                         "themes": ["digital-systems"]},
                        "Agree the funding for the second year before the first year's sessions begin."]),
}


def write_casebook(folder: Path, cases: dict[str, dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for slug, data in cases.items():
        (folder / f"{slug}.md").write_text(case_text(data, f"## What we tried\n\nThe story of {slug}.\n"),
                                           encoding="utf-8")
    return folder


def make_plan(tmp_path: Path, vocabulary: Vocabulary, cases: dict[str, dict[str, Any]] = CASES,
              **kwargs: Any) -> Plan:
    folder = write_casebook(tmp_path / "cases", cases)
    book = casebook.load(folder, vocabulary, root=tmp_path)
    assert not book.errors, [p.text() for p in book.errors]
    options = kwargs.pop("options", PluginOptions(private_contact="cases@network.example"))
    return site_plan.plan(book, vocabulary, options, url_of, site_url=SITE_URL, site_name="Test casebook",
                          today=TODAY, **{"page_size": 2, **kwargs})


def as_json(plan: Plan, root: Path) -> dict[str, Any]:
    """The plan as plain data; the field reference and the rules are summarised (they have tests of their own)."""
    def page(p: site_plan.Page) -> dict[str, Any]:
        data = dict(p.data)
        for big in ("fields", "rules"):
            if big in data:
                data[big] = f"{len(data[big])} rows"
        return {**dataclasses.asdict(p), "data": data,
                "source": p.source.relative_to(root).as_posix() if p.source else None}
    return {"pages": {path: page(p) for path, p in plan.pages.items()}, "files": plan.files,
            "documents": sorted(plan.documents), "home": plan.home}


def test_the_plan_of_a_small_casebook_is_the_golden_one(tmp_path: Path, vocabulary: Vocabulary) -> None:
    actual = json.dumps(as_json(make_plan(tmp_path, vocabulary), tmp_path), indent=1, ensure_ascii=False,
                        default=str) + "\n"
    if os.environ.get("CANDOUR_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(actual, encoding="utf-8")
    assert actual == GOLDEN.read_text(encoding="utf-8")


def test_listings_are_split_into_pages_that_link_in_order(tmp_path: Path, vocabulary: Vocabulary) -> None:
    plan = make_plan(tmp_path, vocabulary)
    first, second = plan.pages["cases/index.md"], plan.pages["cases/page/2.md"]
    assert "cases/page/3.md" not in plan.pages
    assert [c["title"] for c in first.data["cases"]] == ["Night shelter triage",
                                                          "A shared referral form for early help"]
    assert [c["title"] for c in second.data["cases"]] == ["Benefits advice in libraries"]
    assert first.data["pagination"] == {"page": 1, "pages": 2, "total": 3, "first_index": 1, "last_index": 2,
                                        "previous": None, "next": "cases/page/2/"}
    assert second.data["pagination"]["previous"] == "cases/" and second.data["pagination"]["next"] is None
    assert (first.title, second.title) == ("Cases", "Cases (page 2 of 2)")


def test_a_case_page_has_its_story_and_contents_from_the_core(tmp_path: Path, vocabulary: Vocabulary) -> None:
    page = make_plan(tmp_path, vocabulary).pages["cases/shared-referrals.md"]
    assert page.template == "case.html" and page.source == tmp_path / "cases" / "shared-referrals.md"
    assert page.body.startswith('<h2 id="what-we-tried">What we tried<a class="headerlink"')
    assert '<p>The story of shared-referrals.</p>' in page.body
    assert [h.id for h in page.toc] == ["do-differently", "setbacks", "what-we-tried"]
    assert page.description == CASES["shared-referrals"]["summary"]


def test_anonymised_cases_never_name_anyone_in_the_plan(tmp_path: Path, vocabulary: Vocabulary) -> None:
    plan = make_plan(tmp_path, vocabulary)
    view = plan.pages["cases/library-benefits-advice.md"].data["case"]
    assert view["who"] is None and view["contributors"] == []
    record = next(c for c in json.loads(plan.files["cases.json"])["cases"] if c["slug"] == "library-benefits-advice")
    assert "organisations" not in record and "contributors" not in record


@pytest.mark.parametrize(("own", "named"), [
    ("cases.json", "a data file it makes"),
    ("cases/filter-index.json", "a data file it makes"),
    ("cases/index.md", "its page 'Cases'"),
    ("themes/funding/index.md", "its page 'Funding'"),
    ("rules.md", "its page 'Rules and codes'"),
    ("cases/shared-referrals.md", "the page of the case shared-referrals.md"),
])
def test_a_hand_written_file_where_the_plan_writes_is_an_error(tmp_path: Path, vocabulary: Vocabulary, own: str,
                                                                named: str) -> None:
    with pytest.raises(PlanError) as error:
        make_plan(tmp_path, vocabulary, existing={own, "index.md"})
    assert str(error.value) == f"docs/{own} stands where the site puts {named}: rename or remove one of them"


def test_every_clash_is_reported_at_once(tmp_path: Path, vocabulary: Vocabulary) -> None:
    with pytest.raises(PlanError) as error:
        make_plan(tmp_path, vocabulary, existing={"cases.json", "feed.xml", "search/index.md"})
    assert str(error.value).count("stands where the site puts") == 3


def test_a_casebook_page_replaces_the_package_page_of_the_same_name(tmp_path: Path, vocabulary: Vocabulary) -> None:
    plan = make_plan(tmp_path, vocabulary, existing={"contribute.md"})
    assert sorted(plan.documents) == ["accessibility.md", "maintainers.md", "open-data.md", "privacy.md"]


def test_markers_are_filled_from_the_settings(tmp_path: Path, vocabulary: Vocabulary) -> None:
    plan = make_plan(tmp_path, vocabulary)
    text = plan.fill(f"a\n\n{site_plan.PRIVATE_ROUTE_MARKER}\n\n{site_plan.CASE_TEMPLATE_MARKER}\n")
    assert "[cases@network.example](mailto:cases@network.example)" in text
    assert plan.case_template.rstrip() in text and site_plan.CASE_TEMPLATE_MARKER not in text
    assert "illustrative" not in plan.case_template


def test_without_search_there_is_no_search_page(tmp_path: Path, vocabulary: Vocabulary) -> None:
    plan = make_plan(tmp_path, vocabulary, options=PluginOptions(search=False))
    assert "search/index.md" not in plan.pages
    assert "search/index.md" in make_plan(tmp_path / "again", vocabulary).pages


def test_data_files_use_the_public_address(tmp_path: Path, vocabulary: Vocabulary) -> None:
    plan = make_plan(tmp_path, vocabulary)
    urls = {c["url"] for c in json.loads(plan.files["cases.json"])["cases"]}
    assert urls == {f"{SITE_URL}cases/{slug}/" for slug in CASES}
    assert f"<link href=\"{SITE_URL}cases/shared-referrals/\"" in plan.files["feed.xml"]


def test_counts_on_the_theme_index_are_the_theme_pages_own(tmp_path: Path, vocabulary: Vocabulary) -> None:
    plan = make_plan(tmp_path, vocabulary)
    for term in plan.pages["themes/index.md"].data["terms"]:
        page = plan.pages[f"themes/{term['term']}/index.md"]
        assert term["count"] == page.data["pagination"]["total"]
        assert term["setbacks"] == page.data["setback_total"]


def test_the_home_page_shows_the_ways_in_and_the_newest_cases(tmp_path: Path, vocabulary: Vocabulary) -> None:
    home = make_plan(tmp_path, vocabulary).home
    assert home["count"] == 3 and home["newest"][0]["title"] == "Night shelter triage"
    assert [(way["heading"], way["all"], way["url"]) for way in home["browse"]] == [
        ("By theme", "All themes", "themes/"), ("By service", "All services", "services/"),
        ("By region", "All regions", "regions/")]
    themes = home["browse"][0]["terms"]
    counts = [t["count"] for t in themes]
    assert counts == sorted(counts, reverse=True) and all(counts)  # the busiest first, none empty


def test_each_theme_service_and_region_has_a_feed_of_its_own_cases(tmp_path: Path, vocabulary: Vocabulary) -> None:
    import xml.etree.ElementTree as ET

    plan = make_plan(tmp_path, vocabulary)
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(plan.files["themes/digital-systems/feed.xml"])
    assert feed.findtext(f"{atom}title") == "Digital systems: Test casebook"
    assert feed.findtext(f"{atom}id") == SITE_URL + "themes/digital-systems/"
    assert [e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry")] == ["Benefits advice in libraries"]
    assert plan.pages["themes/digital-systems/index.md"].data["feed"] == "themes/digital-systems/feed.xml"
    assert {"services/housing/feed.xml", "regions/london/feed.xml"} <= set(plan.files)


def test_an_empty_casebook_still_has_every_listing(tmp_path: Path, vocabulary: Vocabulary) -> None:
    plan = make_plan(tmp_path, vocabulary, cases={})
    assert plan.pages["cases/index.md"].data["cases"] == [] and plan.home["count"] == 0
    assert json.loads(plan.files["cases.json"])["count"] == 0


def test_a_theme_page_shows_what_is_about_the_theme_first_and_the_rest_apart(tmp_path: Path,
                                                                              vocabulary: Vocabulary) -> None:
    plan = make_plan(tmp_path, vocabulary)
    digital = plan.pages["themes/digital-systems/index.md"].data
    # On the theme only through one setback and one lesson, which name it: they, and only they, are about it.
    assert [x["text"] for x in digital["lessons"]] == [
        "Test the library network with the calculator before the first session."]
    assert [x["what"][:20] for x in digital["setbacks"]] == ["The library computer"]
    # The case's own themes do not include digital systems: its untagged lesson is not about it at all.
    assert digital["other_lessons"] == [] and digital["other_setbacks"] == []
    funding = plan.pages["themes/funding/index.md"].data
    # On funding, a case of two themes: its untagged lesson may be about funding, so it is shown apart;
    # its lesson and setback tagged with digital systems are not shown at all.
    assert [x["text"][:20] for x in funding["other_lessons"]] == ["Agree the funding fo"]
    assert all("library network" not in x["text"] for x in funding["lessons"] + funding["other_lessons"])
    assert all("library computers" not in x["what"] for x in funding["setbacks"] + funding["other_setbacks"])
    # A case whose only theme is funding: its untagged lessons and setbacks are about funding.
    assert "Night shelter triage" in {x["case_title"] for x in funding["lessons"]}
    assert all(x["case_title"] != "Night shelter triage" for x in funding["other_lessons"])


def test_a_case_is_on_every_theme_its_setbacks_and_lessons_name_everywhere(tmp_path: Path,
                                                                          vocabulary: Vocabulary) -> None:
    plan = make_plan(tmp_path, vocabulary)
    digital = next(t for t in plan.pages["themes/index.md"].data["terms"] if t["term"] == "digital-systems")
    facet = next(f for f in plan.pages["cases/index.md"].data["facets"] if f["param"] == "theme")
    assert digital["count"] == 1 == next(o["count"] for o in facet["options"] if o["value"] == "digital-systems")
    view = plan.pages["cases/library-benefits-advice.md"].data["case"]
    assert [t["term"] for t in view["themes"]] == ["referral-pathways", "funding", "digital-systems"]
    index = json.loads(plan.files["cases/filter-index.json"])
    row = next(r for r in index["cases"] if r[1] == "cases/library-benefits-advice/")
    assert "digital-systems" in [index["terms"]["themes"][i] for i in row[6]]


def test_the_contact_marker_is_filled_from_the_private_contact(tmp_path: Path, vocabulary: Vocabulary) -> None:
    with_address = make_plan(tmp_path, vocabulary).fill(site_plan.CONTACT_MARKER)
    assert with_address == "Write to [cases@network.example](mailto:cases@network.example)."
    issues = make_plan(tmp_path / "b", vocabulary, options=PluginOptions(),
                       repo_url="https://github.com/net/book/").fill(site_plan.CONTACT_MARKER)
    assert issues == "Open an issue on [the casebook's GitHub page](https://github.com/net/book/issues)."
    nowhere = make_plan(tmp_path / "c", vocabulary, options=PluginOptions()).fill(site_plan.CONTACT_MARKER)
    assert nowhere.startswith("Ask the network that runs this casebook")
    linked = make_plan(tmp_path / "d", vocabulary, repo_url="https://github.com/net/book").fill(
        site_plan.REPOSITORY_MARKER)
    assert linked == "[the project's GitHub page](https://github.com/net/book)"
    assert site_plan.REPOSITORY_MARKER in (site_plan.PACKAGE_PAGES_DIR / "contribute.md").read_text(encoding="utf-8")
    for page in ("accessibility.md", "privacy.md"):
        assert site_plan.CONTACT_MARKER in (site_plan.PACKAGE_PAGES_DIR / page).read_text(encoding="utf-8")


def _network(vocabulary: Vocabulary) -> Any:
    """Two peers' checked cases, as the index's build reads them from the snapshots."""
    from candour.core import network, rules
    from candour.core.settings import PeerOption

    statuses, cases = [], []
    for key, name, themes in (("north", "North Network", ["funding"]), ("south", "South Network", ["tenancy"])):
        peer = PeerOption(name=name, url=f"https://{key}.example/", id=key)
        entry = {"slug": f"{key}-case", "url": f"https://{key}.example/cases/{key}-case/",
                 **good(title=f"The {key} pilot of shared triage", themes=themes, published="2024-01-01")}
        checked = network.check_entries(peer, [entry], vouched=[], labels={"themes": {"tenancy": "Tenancies"}},
                                        options=rules.Options(), own_url=SITE_URL, fetched="2026-01-01T00:00:00Z",
                                        index_vocabulary=vocabulary)
        assert not checked.left_out, checked.left_out
        cases += checked.cases
        statuses.append(network.PeerStatus(key, name, peer.url, cases=1, fetched="2026-01-01T00:00:00Z"))
    return network.Network(peers=statuses, cases=cases, labels={"themes": {"tenancy": "Tenancies"}})


def test_an_index_plans_the_network_page_its_status_search_records_and_lessons(tmp_path: Path,
                                                                             vocabulary: Vocabulary) -> None:
    plan = make_plan(tmp_path, vocabulary, network=_network(vocabulary))
    first = plan.pages["network/index.md"]
    assert (first.template, first.data["total"], first.data["networks"]) == ("cases.html", 5, 3)
    assert [c["home"] for c in first.data["cases"]] == [None, None]  # newest first, page size 2
    last = plan.pages["network/page/3.md"]
    assert [(c["title"], c["home"], c["url"]) for c in last.data["cases"]] == [
        ("Benefits advice in libraries", None, "cases/library-benefits-advice/")]
    assert [(c["home"], c["fetched"]) for c in plan.pages["network/page/2.md"].data["cases"]] == [
        ("North Network", "1 January 2026"), ("South Network", "1 January 2026")]
    facet = next(f for f in first.data["facets"] if f["param"] == "network")
    assert [(o["value"], o["count"]) for o in facet["options"]] == [("Test casebook", 3), ("North Network", 1),
                                                                    ("South Network", 1)]
    themes = next(f for f in first.data["facets"] if f["param"] == "theme")
    assert ("tenancy", "Tenancies", 1) in [(o["value"], o["label"], o["count"]) for o in themes["options"]]
    index = json.loads(plan.files["network/filter-index.json"])
    assert index["terms"]["networks"] == ["Test casebook", "North Network", "South Network"]
    assert sorted(row[13] for row in index["cases"]) == [0, 0, 0, 1, 2]
    assert plan.pages["network/status.md"].data["own"] == "Test casebook"
    assert [(r.url, r.title, r.filters["network"]) for r in plan.records] == [
        ("https://north.example/cases/north-case/", "The north pilot of shared triage (North Network)",
         ["North Network"]),
        ("https://south.example/cases/south-case/", "The south pilot of shared triage (South Network)",
         ["South Network"])]
    tenancy = plan.pages["themes/tenancy/index.md"]  # a theme only a peer has: its page, under the peer's label
    assert (tenancy.title, tenancy.data["own_total"], tenancy.data["lesson_total"]) == ("Tenancies", 0, 1)
    assert tenancy.data["feed"] is None and "themes/tenancy/feed.xml" not in plan.files  # it follows our own cases
    assert plan.pages["themes/funding/index.md"].data["feed"] == "themes/funding/feed.xml"
    listed = {t["term"]: t["count"] for t in plan.pages["themes/index.md"].data["terms"]}
    assert (listed["tenancy"], listed["funding"]) == (1, 3)
    funding = plan.pages["themes/funding/index.md"].data
    assert funding["own_total"] == 2 and funding["pagination"]["total"] == 3
    assert plan.pages["themes/funding/page/2.md"].data["setbacks"][0]["network"] == "North Network"
    assert all(p.data.get("network_name") == "Test casebook" for p in plan.pages.values() if p.source)
    published = json.loads(plan.files["network.json"])
    assert [c["home"]["name"] for c in published["cases"]] == ["North Network", "South Network"]
    assert plan.home["network"] == {"url": "network/", "cases": 5, "networks": 3}
    assert [c["home"] for c in plan.home["newest"]] == [None, None, "North Network", "South Network", None]
    assert plan.pages["search/index.md"].data["orders"]["network"] == ["Test casebook", "North Network",
                                                                     "South Network"]


def test_a_casebook_without_peers_has_no_network_pages_but_publishes_its_network_file(
        tmp_path: Path, vocabulary: Vocabulary) -> None:
    plan = make_plan(tmp_path, vocabulary)
    assert not any(path.startswith("network/") for path in [*plan.pages, *plan.files])
    assert json.loads(plan.files["network.json"]) == {
        "schema_version": 1, "name": "Test casebook", "url": SITE_URL, "peers": [], "sites": [], "labels": {},
        "count": 0, "cases": []}
    assert plan.records == [] and plan.home["network"] is None
    assert json.loads(plan.files["cases.json"])["labels"] == vocabulary.terms
