"""What a pull request can change cannot reach beyond its own text: the trust review's routes and their neighbours.

Front-matter and vocabulary labels are plain text; files are read only if they are regular files in
the cases folder; names the site uses are refused; options are checked; the feed is always XML.
Browser-level proof (no navigation away, one <title>, the theme starts) is in tests/browser/test_xss.py.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from candour.core import casebook, loader
from candour.core.model import Case, Update
from candour.core.vocabulary import Vocabulary, VocabularyError, load_vocabulary
from candour.site import export, security
from tests.conftest import VOCABULARY_FILE, case_text, check_data, check_text, good, write_case


@pytest.mark.parametrize("title", [
    "&lt;/title&gt;&lt;meta http-equiv=refresh content=0;url=https://evil.example&gt;",
    "A pilot &#60;/title&#62; that went wrong",
    "A pilot &#x3C;/title&#x3E; that went wrong",
    "A pilot &LT;/title&GT; that went wrong",
    "A pilot &amp;lt;b&amp;gt; that went wrong",
])
def test_character_references_in_front_matter_are_refused(vocabulary: Vocabulary, title: str) -> None:
    problems = check_data(vocabulary, title=title)
    assert any("title: " in p and "is HTML code, but this is plain text" in p for p in problems), problems


@pytest.mark.parametrize(("char", "field"), [
    ("\x01", "title"), ("\x1b", "summary"), ("\x7f", "place"), ("\x85", "title"), ("\ufffe", "title"),
    ("\uffff", "described_as"), ("\ufdd0", "network"), ("\x0c", "title"),
])
def test_control_characters_in_front_matter_are_refused(vocabulary: Vocabulary, char: str, field: str) -> None:
    changes = {"attribution": "anonymised", "organisations": None} if field == "described_as" else {}
    value = f"A shared referral {char}form for early help"
    problems = check_data(vocabulary, **changes, **{field: value})
    assert any(f"{field}: this contains an invisible control character" in p for p in problems), problems


@pytest.mark.parametrize("char", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u202a"])
def test_text_direction_controls_in_front_matter_are_refused(vocabulary: Vocabulary, char: str) -> None:
    problems = check_data(vocabulary, title=f"A shared referral {char}form for early help")
    assert any("invisible text-direction character" in p for p in problems), problems


def test_right_to_left_text_itself_is_fine(vocabulary: Vocabulary) -> None:
    assert check_data(vocabulary, place="Harrowfield (\u0647\u0627\u0631\u0648\u0641\u064a\u0644\u062f)") == []


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f", "\ufffe"])
def test_control_characters_in_the_body_are_refused_at_their_line(vocabulary: Vocabulary, char: str) -> None:
    problems = check_text(case_text(good(), f"One.\n\nTwo {char} three.\n"), vocabulary)[1]
    assert problems == [f"cases/x.md:24: the text contains an invisible control character (U+{ord(char):04X}) "
                        "(delete it: it is often pasted in from another program, and it breaks the site's feed)"]


def test_ampersands_in_ordinary_writing_pass(vocabulary: Vocabulary) -> None:
    assert check_data(vocabulary, title="R&D with A&E & Q&As, the AT&T way; 5 &amp") == []


@pytest.mark.parametrize("label", [
    "&lt;/title&gt;&lt;meta http-equiv=refresh content=0&gt;", "<b>Housing</b>", "Housing\x01", "Housing \u202e",
    "x" * 81,
])
def test_vocabulary_labels_are_plain_text_too(tmp_path: Path, label: str) -> None:
    text = VOCABULARY_FILE.read_text(encoding="utf-8").replace("Housing", label.replace("\\", "\\\\")
                                                                .replace('"', '\\"'), 1)
    text = text.replace(f": {label}", f': "{label}"', 1) if not label.startswith('"') else text
    path = tmp_path / "vocabulary.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError) as raised:
        load_vocabulary(path, "cases/vocabulary.yml")
    assert len(raised.value.problems) == 1, raised.value.problems


# Files: never followed, never more than the limit, never anything but a regular file.
def test_symlinks_devices_pipes_and_linked_folders_are_located_errors(tmp_path: Path, vocabulary: Vocabulary) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    write_case(cases, "real-case.md")
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = write_case(outside, "secret-case.md", good(title="A case from outside the repository"))
    (outside / "keys.yml").write_text("aws_secret: hunter2\n", encoding="utf-8")
    (cases / "to-a-case.md").symlink_to(secret)
    (cases / "to-keys.md").symlink_to(outside / "keys.yml")
    (cases / "zero.md").symlink_to("/dev/zero")
    (cases / "folder").symlink_to(outside, target_is_directory=True)
    (cases / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    os.mkfifo(cases / "pipe.md")
    book = casebook.load(cases, vocabulary, root=tmp_path)
    by_file = {p.file: p.message for p in book.errors}
    links = ["to-a-case.md", "to-keys.md", "zero.md", "folder", "dangling.md"]
    assert {f"cases/{name}" for name in links} | {"cases/pipe.md"} == set(by_file)
    assert all("symbolic link" in by_file[f"cases/{name}"] for name in links)
    assert by_file["cases/pipe.md"] == "this is not a regular file"
    assert [e.slug for e in book.cases] == ["real-case"]
    assert "hunter2" not in " ".join(p.text() for p in book.problems)


def test_a_file_is_read_only_to_the_limit_whatever_its_size_claims(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"---\n" + b"x" * (loader.MAX_BYTES + 10))
    with pytest.raises(loader.UnreadableFile):
        loader.read_bytes(path)
    with pytest.raises(loader.UnreadableFile, match="not a regular file"):
        loader.read_bytes(Path("/dev/zero"))


def test_a_linked_vocabulary_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "vocabulary.yml").symlink_to(VOCABULARY_FILE)
    with pytest.raises(VocabularyError, match="symbolic link"):
        load_vocabulary(tmp_path / "vocabulary.yml", "cases/vocabulary.yml")


@pytest.mark.parametrize("slug", sorted(casebook.RESERVED_SLUGS))
def test_names_the_site_uses_are_refused(tmp_path: Path, vocabulary: Vocabulary, slug: str) -> None:
    write_case(tmp_path, f"{slug}.md")
    entry = casebook.check_file(tmp_path / f"{slug}.md", vocabulary, casebook.Options(), tmp_path)
    assert entry.case is None
    assert entry.problems[0].message == f"the file name '{slug}.md' is taken by a page the site makes"


# Options and flags: a usage error (exit 2), never a traceback.
def candour(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "candour.adapters.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "vocabulary.yml").write_bytes(VOCABULARY_FILE.read_bytes())
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - candour:\n      min_words: 8\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("slug", ["../outside", "/tmp/abs", "a/b", "Bad Name", "index", "page", "", "-x"])
def test_new_refuses_a_slug_that_is_not_a_case_name(site: Path, slug: str) -> None:
    result = candour(site, "new", "--no-input", "--title", "A test of the slug option", f"--slug={slug}")
    assert result.returncode == 2, result
    assert result.stderr.startswith(f"candour: --slug {slug!r} cannot be a case's name: "), result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in site.rglob("*.md")) == [] and not (site.parent / "outside.md").exists()


@pytest.mark.parametrize(("option", "says"), [
    ("min_words: eight", "the option 'min_words'"), ("min_words: true", "the option 'min_words'"),
    ("min_words: -3", "the option 'min_words'"), ("min_word: 8", "did you mean 'min_words'?"),
    ("cases_dir: 5", "the option 'cases_dir'"), ("vocabulary: ''", "the option 'vocabulary'"),
    ("search: maybe", "the option 'search'"),
])
def test_bad_plugin_options_are_a_usage_error(site: Path, option: str, says: str) -> None:
    (site / "mkdocs.yml").write_text(f"site_name: T\nplugins:\n  - candour:\n      {option}\n", encoding="utf-8")
    result = candour(site, "validate")
    assert result.returncode == 2 and says in result.stderr, result
    assert result.stderr.startswith("candour: in mkdocs.yml, under the candour plugin: ")


# The feed: always well-formed XML, and an entry keeps its id when others are added.
def case_with(**changes: object) -> Case:
    data = {**good(), **changes}
    return Case.model_validate(data)


@pytest.mark.parametrize("hostile", ["\x01", "\x0b", "\ufffe", "\ud800", "]]>", "<!--", "&", "\x00"])
def test_the_feed_is_well_formed_whatever_reaches_it(hostile: str) -> None:
    case = Case.model_construct(**{**case_with().__dict__, "title": f"A title {hostile} here",
                                   "summary": f"A summary {hostile}", "updates": []})
    feed = export.atom_feed([export.Published("x", "https://e.example/cases/x/", case)],
                            "https://e.example/", f"Site {hostile}")
    root = ET.fromstring(feed.encode("utf-8", "surrogatepass").decode("utf-8", "ignore").encode())
    assert root.find(f"{{{export.ATOM}}}entry") is not None


def test_feed_entry_ids_stay_when_an_earlier_update_is_added() -> None:
    later = Update(date="2024-05", note="The second phase started with two more practices.")
    before = case_with(updates=[later.model_dump()])
    earlier = Update(date="2024-02", note="The first phase ended late because of the data-sharing agreement.")
    after = case_with(updates=[earlier.model_dump(), later.model_dump()])

    def ids(case: Case) -> set[str]:
        feed = export.atom_feed([export.Published("x", "https://e.example/cases/x/", case)], "https://e.example/", "S")
        return {e.findtext(f"{{{export.ATOM}}}id") or "" for e in ET.fromstring(feed).iter(f"{{{export.ATOM}}}entry")}

    assert ids(before) < ids(after) and len(ids(after)) == 3


def test_update_ids_change_only_with_their_own_text() -> None:
    one = export.update_id("https://e.example/cases/x/", "2024-05", "A note.")
    assert one == export.update_id("https://e.example/cases/x/", "2024-05", "A note.")
    assert one != export.update_id("https://e.example/cases/x/", "2024-05", "Another note.")
    assert dt.date.fromisoformat(one.split("#update-")[1][:7] + "-01")


# Found by an outside attack on this work (each was a crash, a stall or a leak), with neighbours.
@pytest.mark.parametrize("line", ["published: 2024-02-30", "reviewed: 2024-01-01 25:00:00", "started: 2023-13-01",
                                  "notes: " + "9" * 4_400, "status: 0x" + "f" * 3_700,
                                  "network: 1" + ":59" * 80_000 + ".5", "place: 1.0e+999999"])
def test_values_python_cannot_hold_are_located_errors(vocabulary: Vocabulary, line: str) -> None:
    text = "---\ntitle: A shared referral form for early help\n" + line + "\n---\nText.\n"
    problems = check_text(text, vocabulary)[1]
    assert any(p.startswith("cases/x.md:3: ") for p in problems), problems


@pytest.mark.parametrize("value", ["yes", "5", "2024-01-01", "{a: 1}"])
def test_sources_of_the_wrong_type_in_an_anonymised_case(vocabulary: Vocabulary, value: str) -> None:
    text = case_text(good(attribution="anonymised", organisations=None, described_as="A council")).replace(
        "---\nSome", f"sources: {value}\n---\nSome")
    assert any("sources: should be a list" in p for p in check_text(text, vocabulary)[1])


@pytest.mark.parametrize("href", ["//[", "//[x]/", "https://user[@example.org/", "http://[::1"])
def test_malformed_addresses_never_crash_the_build(href: str) -> None:
    from candour.site import security

    page = f'<html><head></head><body><a href="{href}">x</a></body></html>'
    assert "rel=" in security.external_links(page, "https://site.example/")


@pytest.mark.parametrize("body", ["#\n" * 12_000, "# a\n" * 12_000, "a\n\n" * 6_000, "- a\n" * 12_000])
def test_a_body_of_endless_blocks_is_refused_quickly(body: str) -> None:
    from candour.core import body as case_body

    started = __import__("time").perf_counter()
    findings = list(case_body.check(body + "<b>x</b>\n"))
    assert __import__("time").perf_counter() - started < 3
    assert findings and "lines" in findings[0].message


def test_a_padded_vocabulary_is_refused(tmp_path: Path) -> None:
    text = VOCABULARY_FILE.read_text(encoding="utf-8").replace(
        "services:\n", "services:\n" + "".join(f"  s{i}: S {i}\n" for i in range(1_000)), 1)
    (tmp_path / "v.yml").write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError, match="terms; at most"):
        load_vocabulary(tmp_path / "v.yml", "cases/vocabulary.yml")


def test_images_cannot_ask_to_cover_the_page() -> None:
    from candour.core import body as case_body

    html = case_body.render('<img src="a.png" width="100000" height="50"> <img src="b.png" width="x">\n').html
    assert 'width="100000"' not in html and 'height="50"' in html and 'width="x"' not in html


def test_a_case_cannot_borrow_the_permalink_class() -> None:
    from candour.core import body as case_body

    html = case_body.render('## Title\n\n<a class="headerlink" href="https://example.org/">hidden</a>\n').html
    assert html.count('class="headerlink"') == 1 and 'class="headerlink" href="#title"' in html


# --- addresses and the live-reload nonce (#11) -------------------------------------------------------

@pytest.mark.parametrize(("site_url", "scope"), [
    ("https://example.org/", "/"), ("https://example.org", "/"), ("https://x.github.io/casebook", "/casebook/"),
    ("https://x.github.io/casebook/", "/casebook/"), (None, "/"), ("", "/"),
])
def test_the_theme_scope_is_the_path_the_site_is_served_under(site_url: str | None, scope: str) -> None:
    assert security.scope_of(site_url) == scope


def test_only_the_served_pages_reload_script_gets_the_nonce() -> None:
    page = b"<html><script>theme()</script><body>x<script>livereload(1, 2)</script></body></html>"
    assert security.with_nonce(page, "abc") == \
        b'<html><script>theme()</script><body>x<script nonce="abc">livereload(1, 2)</script></body></html>'
    assert "'nonce-abc'" in security.content_security_policy([], "abc")
    assert "nonce" not in security.content_security_policy([])  # a published build has none
