"""Real MkDocs builds of the site: what readers get, and what an invalid case stops."""

from __future__ import annotations

import html
import logging
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from candour.core import rules
from candour.core.casebook import load
from candour.core.vocabulary import load_vocabulary
from tests.conftest import ROOT, copy_site, good, write_case

pytestmark = pytest.mark.slow

SLUGS = sorted(p.stem for p in (ROOT / "cases").glob("*.md"))


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


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own site, built by `mkdocs build --strict` exactly as a maintainer would."""
    folder = copy_site(tmp_path_factory.mktemp("project"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert "candour: 8 files checked: 8 published, 0 drafts, 0 with errors" in result.stderr
    return folder / "site"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_case_page_shows_its_lessons_and_setbacks(built_site: Path, slug: str) -> None:
    vocabulary = load_vocabulary(ROOT / "cases" / "vocabulary.yml", "v")
    book = load(ROOT / "cases", vocabulary, rules.Options(), root=ROOT)
    case = next(e.case for e in book.cases if e.slug == slug)
    assert case is not None
    page = built_site / "cases" / slug / "index.html"
    text = " ".join(page_text(page).split())
    assert f"{case.title}" in text
    assert "What we'd do differently" in text and "Setbacks" in text
    assert text.index("What we'd do differently") < text.index("Setbacks")
    for item in case.do_differently:
        assert " ".join(item.split()) in text
    for setback in case.setbacks:
        assert " ".join(setback.what.split()) in text
    assert "An illustrative case" in text  # every example case is fictional, and says so
    raw = page.read_text(encoding="utf-8")
    assert f'href="https://github.com/candour-network/candour/edit/main/cases/{slug}.md"' in raw


def test_cases_index_lists_every_case_newest_first(built_site: Path) -> None:
    raw = (built_site / "cases" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'id="candour-count"[^>]*>8 cases<', raw)
    links = re.findall(r'<h2 class="candour-case-card__title"><a href="([^"]+)"', raw)
    assert sorted(links) == sorted(f"{slug}/" for slug in SLUGS)
    assert links[0] == "youth-outreach-night-bus/"  # published 2026-05-14, the newest


def test_case_pages_are_not_in_the_nav(built_site: Path) -> None:
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "housing-first-pilot" not in home


def test_anonymised_case_shows_description_not_names(built_site: Path) -> None:
    text = page_text(built_site / "cases" / "housing-first-pilot" / "index.html")
    assert "A unitary council and a housing association in the South West (anonymised)" in text
    assert "Contributors" not in text


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
    for slug in SLUGS:
        assert (site / "cases" / f"{slug}.html").is_file()
    raw = (site / "cases" / "index.html").read_text(encoding="utf-8")
    assert 'href="housing-first-pilot.html"' in raw


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


def test_open_data_and_feed_are_published(built_site: Path) -> None:
    import json
    import xml.etree.ElementTree as ET

    data = json.loads((built_site / "cases.json").read_text(encoding="utf-8"))
    assert data["count"] == 8
    assert data["cases"][0]["url"].startswith("http://127.0.0.1:8000/cases/")
    assert (built_site / "cases.csv").read_bytes().count(b"\r\n") == 9
    feed = ET.parse(built_site / "feed.xml").getroot()
    assert feed.tag.endswith("feed")
    schema = json.loads((built_site / "schema" / "case.schema.json").read_text(encoding="utf-8"))
    assert "setbacks" in schema["required"]


def test_listing_pages_exist_for_every_term(built_site: Path) -> None:
    vocabulary = load_vocabulary(ROOT / "cases" / "vocabulary.yml", "v")
    for folder, kind in (("themes", "themes"), ("services", "services"), ("regions", "regions")):
        assert (built_site / folder / "index.html").is_file()
        for term in vocabulary.allowed(kind):
            assert (built_site / folder / term / "index.html").is_file(), (folder, term)
    text = page_text(built_site / "themes" / "index.html")
    assert re.search(r"Information governance 1 case, 2 setbacks", " ".join(text.split()))


def test_case_page_links_related_cases(built_site: Path) -> None:
    raw = (built_site / "cases" / "housing-first-pilot" / "index.html").read_text(encoding="utf-8")
    related = raw[raw.index('id="related"'):]
    assert len(re.findall(r'class="candour-case-card__title"', related)) == 3


def test_home_shows_newest_cases_and_top_themes(built_site: Path) -> None:
    text = " ".join(page_text(built_site / "index.html").split())
    assert "Newest cases" in text and "A youth outreach night bus for Llanfair's town centre" in text
    assert "Themes with the most setbacks" in text
    assert "How to contribute a case" in text


def test_only_cases_are_in_the_search_index(built_site: Path) -> None:
    assert (built_site / "pagefind" / "pagefind-ui.js").is_file()
    raw = (built_site / "cases" / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in raw


def test_field_reference_lists_every_field_from_the_model(built_site: Path) -> None:
    from candour.core.model import FIELDS, Setback

    raw = (built_site / "reference" / "index.html").read_text(encoding="utf-8")
    for name in FIELDS:
        assert f'<tr id="{name}">' in raw, name
    for part in Setback.model_fields:
        assert f"<code>{part}</code>" in raw
    assert "<code>east-of-england</code>" in raw  # allowed values come from the vocabulary file


def test_open_data_slugs_with_plain_urls(tmp_path: Path) -> None:
    import json

    site = build_site(copy_site(tmp_path), use_directory_urls=False)
    data = json.loads((site / "cases.json").read_text(encoding="utf-8"))
    assert sorted(c["slug"] for c in data["cases"]) == SLUGS
    assert all(c["url"].endswith(f"cases/{c['slug']}.html") for c in data["cases"])


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


def test_reserved_ids_cover_every_id_a_case_page_has_outside_its_story(built_site: Path) -> None:
    """The ids a story's elements can never take are exactly those the template and theme use."""
    from candour.core import html_policy

    for slug in SLUGS:
        page = (built_site / "cases" / slug / "index.html").read_text(encoding="utf-8")
        story = page.split("<h2 id=\"setbacks\">", 1)[1].split("<h2 id=\"journey\">")[0]
        outside = set(re.findall(r'\sid="([^"]+)"', page)) - set(re.findall(r'\sid="([^"]+)"', story))
        for element_id in outside:
            assert element_id.startswith("__") or html_policy.safe_id(element_id) != element_id, element_id


def test_the_contribute_page_offers_the_blank_case_to_copy_and_download(built_site: Path) -> None:
    page = (built_site / "contribute" / "index.html").read_text(encoding="utf-8")
    assert 'download="new-case.md" href="../case-template.txt"' in page
    template = (built_site / "case-template.txt").read_text(encoding="utf-8")
    assert "illustrative" not in template  # a copied template is never marked fictional
    shown = html.unescape(re.sub(r"<[^<>]*+>", "", page))
    assert all(line in shown for line in template.splitlines()[:8])  # shown in a code block to copy
    assert "candour:private-route" not in page and "candour:case-template" not in page
    assert "has not set up a private address" in page  # this casebook sets no private_contact
    assert (built_site / "maintainers" / "index.html").is_file()


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
    updated = (site / "cases" / "updated-since" / "index.html").read_text(encoding="utf-8")
    assert "<dt>Last reviewed</dt>" in updated
    assert '<dt>Last updated</dt><dd><time datetime="2024-09-02">2 September 2024</time>' in updated
