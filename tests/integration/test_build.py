"""Real MkDocs builds of the site: what readers get, and what an invalid case stops."""

from __future__ import annotations

import csv
import html
import io
import json
import logging
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from candour.core.vocabulary import load_vocabulary
from tests.conftest import EXAMPLE_SITE_URL, ROOT, copy_site, example_cases, good, write_case

pytestmark = pytest.mark.slow

SLUGS = sorted(p.stem for p in (ROOT / "cases").glob("*.md"))
EXAMPLES = example_cases()  # what the example site must show, read from its case files


def _site_config() -> dict[str, object]:
    """mkdocs.yml as plain YAML (its `!ENV` values left out): the repository the site's edit links name."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


CONFIG = _site_config()
ILLUSTRATIVE = r'class="(?:[^"]* )?candour-illustrative[ "]'  # the note on a fictional case's page


def edit_link(slug: str) -> str:
    """Where 'edit this case' must lead: the case's own file under the repository mkdocs.yml names."""
    path = posixpath.normpath(posixpath.join(str(CONFIG["edit_uri"]), "..", "cases", f"{slug}.md"))
    return f"{str(CONFIG['repo_url']).rstrip('/')}/{path}"


def terms(data: dict) -> set[str]:
    """A case's themes and services: what related cases share."""
    return set(data.get("themes") or []) | set(data.get("services") or [])


class _NavLinks(HTMLParser):
    """Every link inside a <nav> element of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav":
            self.depth += 1
        elif tag == "a" and self.depth:
            self.links += [value or "" for name, value in attrs if name == "href"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self.depth:
            self.depth -= 1


@pytest.fixture
def no_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Fail the test on any warning MkDocs or a plugin logs that the test did not expect."""
    caplog.set_level(logging.INFO)
    yield caplog
    unexpected = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert unexpected == []


def build_site(folder: Path, **overrides: object) -> Path:
    site_dir = folder / "site"
    config = load_config(str(folder / "mkdocs.yml"), site_dir=str(site_dir), **overrides)
    build(config)
    return site_dir


def page_text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("slug", SLUGS)
def test_every_case_page_shows_its_lessons_and_setbacks(example_site: Path, slug: str) -> None:
    case = EXAMPLES[slug]
    page = example_site / "cases" / slug / "index.html"
    text = " ".join(page_text(page).split())
    assert " ".join(case["title"].split()) in text
    assert "What we'd do differently" in text and "Setbacks" in text
    assert text.index("What we'd do differently") < text.index("Setbacks")
    for item in case["do_differently"]:  # plain text, or 'text:' with its 'themes:'
        assert " ".join((item if isinstance(item, str) else item["text"]).split()) in text
    for setback in case["setbacks"]:
        assert " ".join(setback["what"].split()) in text
    raw = page.read_text(encoding="utf-8")
    # A fictional case says so, and only a fictional one.
    assert bool(re.search(ILLUSTRATIVE, raw)) is bool(case.get("illustrative"))
    assert set(re.findall(r'href="([^"]*/edit/[^"]*)"', raw)) == {edit_link(slug)}


def test_cases_index_lists_every_case_newest_first(example_site: Path) -> None:
    raw = (example_site / "cases" / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'id="candour-count"[^>]*>{len(SLUGS)} cases<', raw)
    links = re.findall(r'<h2 class="candour-case-card__title"><a href="([^"]+)"', raw)
    assert sorted(links) == sorted(f"{slug}/" for slug in SLUGS)
    published = [str(EXAMPLES[link.rstrip("/")]["published"]) for link in links]
    assert published == sorted(published, reverse=True)


def test_case_pages_are_not_in_the_nav(example_site: Path) -> None:
    for page in ("index.html", "cases/index.html", f"cases/{SLUGS[0]}/index.html"):
        parser = _NavLinks()
        parser.feed((example_site / page).read_text(encoding="utf-8"))
        assert any(link.rstrip("/").endswith("themes") for link in parser.links), (page, parser.links)
        assert not [link for link in parser.links for slug in SLUGS if slug in link], page


def test_anonymised_case_shows_description_not_names(example_site: Path) -> None:
    anonymised = [slug for slug, data in EXAMPLES.items() if data.get("attribution") == "anonymised"]
    assert anonymised, "the example cases no longer include an anonymised one for this test"
    for slug in anonymised:
        text = " ".join(page_text(example_site / "cases" / slug / "index.html").split())
        assert f"{' '.join(EXAMPLES[slug]['described_as'].split())} (anonymised)" in text, slug
        assert "Contributors" not in text, slug


def test_text_in_front_matter_is_escaped(tmp_path: Path, no_warnings: pytest.LogCaptureFixture,
                                        html_checks_off: None) -> None:
    folder = copy_site(tmp_path)
    write_case(folder / "cases", "escaping-check.md",
               good(place="Harrowfield <script>alert(1)</script>", published="2020-01-01"))
    site = build_site(folder)
    raw = (site / "cases" / "escaping-check" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in raw
    assert "Harrowfield &lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_builds_with_plain_urls_too(tmp_path: Path, no_warnings: pytest.LogCaptureFixture) -> None:
    site = build_site(copy_site(tmp_path), use_directory_urls=False)
    raw = (site / "cases" / "index.html").read_text(encoding="utf-8")
    for slug in SLUGS:
        assert (site / "cases" / f"{slug}.html").is_file()
        assert f'href="{slug}.html"' in raw
    # The open data names each case's page as the plain address too.
    data = json.loads((site / "cases.json").read_text(encoding="utf-8"))
    assert sorted(c["slug"] for c in data["cases"]) == SLUGS
    assert all(c["url"].endswith(f"cases/{c['slug']}.html") for c in data["cases"])


@pytest.mark.parametrize("broken", [
    {"setbacks": None}, {"do_differently": None}, {"setbacks": [{"what": "No major setbacks."}]},
])
def test_an_invalid_case_fails_the_build_and_is_never_written(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, broken: dict) -> None:
    folder = copy_site(tmp_path)
    write_case(folder / "cases", "broken-case.md", good(**broken))
    with pytest.raises((PluginError, Abort)):
        build_site(folder)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(m.startswith("candour: cases/broken-case.md:") for m in errors), errors
    assert not (folder / "site" / "cases" / "broken-case").exists()


def test_broken_yaml_fails_the_build_with_its_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = copy_site(tmp_path)
    (folder / "cases" / "broken-yaml.md").write_text("---\ntitle: A title\nplace: Town: centre\n---\n")
    with pytest.raises((PluginError, Abort)):
        build_site(folder)
    assert any("cases/broken-yaml.md:3: C002 the front-matter is not valid YAML" in r.getMessage()
               for r in caplog.records)


def test_drafts_are_listed_not_published(tmp_path: Path, no_warnings: pytest.LogCaptureFixture) -> None:
    folder = copy_site(tmp_path)
    write_case(folder / "cases", "a-draft.md", good(draft=True))
    site = build_site(folder)
    assert not (site / "cases" / "a-draft").exists()
    assert any(r.getMessage() == "candour: draft, not published: cases/a-draft.md" for r in no_warnings.records)


def test_a_case_clashing_with_a_docs_page_is_an_error(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = copy_site(tmp_path)
    (folder / "docs" / "cases").mkdir()
    (folder / "docs" / "cases" / "housing-first-pilot.md").write_text("# Hand-written\n")
    with pytest.raises((PluginError, Abort)):
        build_site(folder)
    assert any("docs/cases/housing-first-pilot.md stands where the site puts the page of the case "
               "housing-first-pilot.md: rename or remove one of them" in r.getMessage() for r in caplog.records)


def test_open_data_and_feed_are_published(example_site: Path) -> None:
    """Every case, in every data file, at the public address the build was given (CANDOUR_SITE_URL)."""
    data = json.loads((example_site / "cases.json").read_text(encoding="utf-8"))
    assert data["count"] == len(SLUGS)
    assert sorted(c["slug"] for c in data["cases"]) == SLUGS
    assert all(c["url"] == f"{EXAMPLE_SITE_URL}cases/{c['slug']}/" for c in data["cases"])
    raw_csv = (example_site / "cases.csv").read_bytes().decode("utf-8")
    assert raw_csv.count("\r\n") == raw_csv.count("\n")  # CRLF line ends, as spreadsheets expect
    rows = list(csv.DictReader(io.StringIO(raw_csv, newline="")))
    assert sorted(r["slug"] for r in rows) == SLUGS
    assert all(r["url"] == f"{EXAMPLE_SITE_URL}cases/{r['slug']}/" for r in rows)
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(example_site / "feed.xml").getroot()
    assert feed.tag == f"{atom}feed"
    assert feed.findtext(f"{atom}id") == EXAMPLE_SITE_URL
    assert {link.get("href") for link in feed.iter(f"{atom}link")} >= {EXAMPLE_SITE_URL,
                                                                       f"{EXAMPLE_SITE_URL}feed.xml"}
    entry_links = [link.get("href") or "" for entry in feed.iter(f"{atom}entry") for link in entry.iter(f"{atom}link")]
    assert entry_links and all(link.startswith(f"{EXAMPLE_SITE_URL}cases/") for link in entry_links)
    schema = json.loads((example_site / "schema" / "case.schema.json").read_text(encoding="utf-8"))
    assert "setbacks" in schema["required"]


def test_listing_pages_exist_for_every_term(example_site: Path) -> None:
    vocabulary = load_vocabulary(ROOT / "cases" / "vocabulary.yml", "v")
    for folder, kind in (("themes", "themes"), ("services", "services"), ("regions", "regions")):
        assert (example_site / folder / "index.html").is_file()
        for term in vocabulary.allowed(kind):
            assert (example_site / folder / term / "index.html").is_file(), (folder, term)
    # The themes page names every theme, and counts a theme's cases as the theme filter on /cases/ does.
    text = " ".join(page_text(example_site / "themes" / "index.html").split())
    cases_page = (example_site / "cases" / "index.html").read_text(encoding="utf-8")
    theme_filter = cases_page[cases_page.index('id="filter-theme"'):].split("</select>")[0]
    filtered = {term: int(n) for term, n in re.findall(r'<option value="([^"]+)"[^>]*>[^<]*\((\d+)\)</option>',
                                                       theme_filter)}
    assert filtered
    labels = yaml.safe_load((ROOT / "cases" / "vocabulary.yml").read_text(encoding="utf-8"))["themes"]
    for term, label in labels.items():
        assert label in text, label
        counted = re.search(rf"{re.escape(label)} (\d+) cases?, \d+ lessons? and \d+ setbacks? about it", text)
        assert (int(counted[1]) if counted else 0) == filtered.get(term, 0), label


def test_case_page_links_related_cases(example_site: Path) -> None:
    """Up to three other cases, each sharing a theme or a service with the case."""
    for slug, data in EXAMPLES.items():
        raw = (example_site / "cases" / slug / "index.html").read_text(encoding="utf-8")
        related = re.findall(r'class="candour-case-card__title"><a href="\.\./([^"/]+)/"',
                             raw[raw.index('id="related"'):])
        sharing = [other for other in EXAMPLES if other != slug and terms(EXAMPLES[other]) & terms(data)]
        assert len(related) == min(3, len(sharing)), (slug, related)
        assert set(related) <= set(sharing), (slug, related)


def test_home_puts_search_and_the_ways_in_before_the_newest_cases(example_site: Path) -> None:
    raw = (example_site / "index.html").read_text(encoding="utf-8")
    text = " ".join(page_text(example_site / "index.html").split())
    newest = max(EXAMPLES.values(), key=lambda data: str(data["published"]))
    assert "Newest cases" in text and " ".join(newest["title"].split()) in text
    order = [raw.index(marker) for marker in ('class="candour-home-search" role="search"', 'id="browse-themes"',
                                                'id="browse-services"', 'id="browse-regions"', 'id="newest"',
                                                "How to contribute a case")]
    assert order == sorted(order)
    assert raw.count("<h1") == 1


def test_only_cases_are_in_the_search_index(example_site: Path) -> None:
    assert (example_site / "pagefind" / "pagefind-ui.js").is_file()
    raw = (example_site / "cases" / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in raw


def test_field_reference_lists_every_field_from_the_model(example_site: Path) -> None:
    from candour.core.model import FIELDS, Setback

    raw = (example_site / "reference" / "index.html").read_text(encoding="utf-8")
    for name in FIELDS:
        assert f'<tr id="{name}">' in raw, name
    for part in Setback.model_fields:
        assert f"<code>{part}</code>" in raw
    assert "<code>east-of-england</code>" in raw  # allowed values come from the vocabulary file


SIDE_DOOR_TITLE = "&lt;/title&gt;&lt;meta http-equiv=refresh content=0;url=https://evil.example&gt; \x01 pilot"
SETTINGS_BODY = ("---\ndescription: '0;url=https://evil.example/meta-desc\" http-equiv=\"refresh'\ntitle: Not it\n"
                 "template: main.html\nhide: [toc]\n---\n\nThe story.\n\n## Setbacks\n\n## At a glance\n")


def test_side_doors_stay_shut_without_the_validator(tmp_path: Path, html_checks_off: None,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    """With the validator's text checks off, the site's own path from text to HTML still holds."""
    folder = copy_site(tmp_path, with_cases=False)
    write_case(folder / "cases", "side-door.md", good(title=SIDE_DOOR_TITLE, summary=(
        'A summary " http-equiv="refresh" content="0;url=https://evil.example/d1 with enough words in it to be '
        "a summary of twenty words or more, as the rule needs.")), body=SETTINGS_BODY)
    vocabulary = folder / "cases" / "vocabulary.yml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace(
        "Referral pathways", '"&lt;/title&gt;&lt;meta http-equiv=refresh content=0;url=//e.x&gt;"', 1),
        encoding="utf-8")
    site = build_site(folder)
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert len(re.findall(r"<title>", text)) == 1, page
        assert not re.search(r"<meta[^>]+http-equiv=[\"']?refresh", text, re.IGNORECASE), page
    case_page = (site / "cases" / "side-door" / "index.html").read_text(encoding="utf-8")
    assert "<title>&amp;lt;/title&amp;gt;&amp;lt;meta" in case_page  # shown as typed, escaped once
    assert 'content="A summary &#34; http-equiv=&#34;refresh&#34;' in case_page \
        or 'content="A summary &quot; http-equiv=&quot;refresh&quot;' in case_page
    assert "Not it" in case_page and '<h1>&amp;lt;/title&amp;gt;' in case_page  # the body's block is text
    assert 'id="story-setbacks"' in case_page and 'id="story-at-a-glance"' in case_page
    ET.fromstring((site / "feed.xml").read_bytes())  # the control character did not break the feed


def test_reserved_ids_cover_every_id_a_case_page_has_outside_its_story(example_site: Path) -> None:
    """The ids a story's elements can never take are exactly those the template and theme use."""
    from candour.core import html_policy

    for slug in SLUGS:
        page = (example_site / "cases" / slug / "index.html").read_text(encoding="utf-8")
        story = page.split("<h2 id=\"setbacks\">", 1)[1].split("<h2 id=\"journey\">")[0]
        outside = set(re.findall(r'\sid="([^"]+)"', page)) - set(re.findall(r'\sid="([^"]+)"', story))
        for element_id in outside:
            assert element_id.startswith("__") or html_policy.safe_id(element_id) != element_id, element_id


def test_the_contribute_page_offers_the_blank_case_to_copy_and_download(example_site: Path) -> None:
    page = (example_site / "contribute" / "index.html").read_text(encoding="utf-8")
    assert 'download="new-case.md" href="../case-template.txt"' in page
    template = (example_site / "case-template.txt").read_text(encoding="utf-8")
    assert "illustrative" not in template  # a copied template is never marked fictional
    shown = html.unescape(re.sub(r"<[^<>]*+>", "", page))
    assert all(line in shown for line in template.splitlines()[:8])  # shown in a code block to copy
    assert "candour:private-route" not in page and "candour:case-template" not in page
    assert "has not set up a private address" in page  # this casebook sets no private_contact
    assert (example_site / "maintainers" / "index.html").is_file()


def test_a_case_story_is_searched_only_when_the_casebook_says_so(example_site: Path, tmp_path: Path) -> None:
    story = re.compile(r'<div class="candour-story"( data-pagefind-ignore)?>\s*<(?:p|h2)[ >]')
    default = story.search((example_site / "cases" / "discharge-to-assess-beds" / "index.html").read_text("utf-8"))
    assert default and default.group(1)  # the story is left out of the index, the rest of the page is not
    folder = copy_site(tmp_path, with_cases=False)
    config = folder / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - candour:\n", "  - candour:\n      search_stories: true\n", 1), encoding="utf-8")
    write_case(folder / "cases", "searched-story.md", good(), "A story of its own, searched.\n")
    page = (build_site(folder, strict=True) / "cases" / "searched-story" / "index.html").read_text(encoding="utf-8")
    found = story.search(page)
    assert found and not found.group(1)


def test_a_misspelt_plugin_option_fails_a_strict_build_saying_what_was_meant(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """MkDocs' own warning ('Unrecognised configuration name') would stop a strict build before the plugin's
    schema could say what was meant."""
    folder = copy_site(tmp_path, with_cases=False)
    config = folder / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - candour:\n", "  - candour:\n      search_storys: true\n", 1), encoding="utf-8")
    with pytest.raises((PluginError, Abort)):
        build_site(folder, strict=True)
    assert "'search_storys' is not an option of the candour plugin (did you mean 'search_stories'?)" in caplog.text
    assert "Unrecognised configuration name" not in caplog.text


def test_last_updated_shows_only_when_it_says_something_new(tmp_path: Path) -> None:
    """Not a second copy of 'Last reviewed' (#12): only a journal entry newer than both dates shows it."""
    folder = copy_site(tmp_path, with_cases=False)
    write_case(folder / "cases", "reviewed-only.md", good(published="2024-01-10", reviewed="2024-05-01"))
    write_case(folder / "cases", "updated-since.md", good(
        title="A referral form that was updated since its review", published="2024-01-10", reviewed="2024-05-01",
        updates=[{"date": "2024-09-02", "note": "Two more practices joined the shared form in the summer."}]))
    site = build_site(folder)
    reviewed = (site / "cases" / "reviewed-only" / "index.html").read_text(encoding="utf-8")
    assert "<dt>Last reviewed</dt>" in reviewed and "<dt>Last updated</dt>" not in reviewed
    assert not re.search(ILLUSTRATIVE, reviewed)  # a real case (no 'illustrative: true') is not marked fictional
    updated = (site / "cases" / "updated-since" / "index.html").read_text(encoding="utf-8")
    assert "<dt>Last reviewed</dt>" in updated
    assert '<dt>Last updated</dt><dd><time datetime="2024-09-02">2 September 2024</time>' in updated


def test_a_warm_cache_builds_the_same_site_and_hides_no_error(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDOUR_CACHE_DIR", str(tmp_path / "cache"))
    folder = copy_site(tmp_path / "book")
    cold = build_site(folder)
    pages = {p.relative_to(cold): p.read_bytes() for p in cold.rglob("*.html")}
    warm = build_site(folder)
    assert {p.relative_to(warm): p.read_bytes() for p in warm.rglob("*.html")} == pages
    case = next(iter(sorted((folder / "cases").glob("*.md"))))
    case.write_text(case.read_text(encoding="utf-8").replace("do_differently:", "do_differently:\n  - TBC", 1),
                    encoding="utf-8")
    with pytest.raises((PluginError, Abort)):
        build_site(folder)
    assert f"{case.relative_to(folder).as_posix()}:" in caplog.text and "C101" in caplog.text
