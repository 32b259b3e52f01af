"""The cache of check results: a second run reports exactly what a first run does, and a stale result is never used."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from candour.core import cache as cache_module
from candour.core import casebook
from candour.core.settings import Settings

from ..conftest import CASES, case_text, good


def make_casebook(tmp_path: Path) -> Path:
    shutil.copytree(CASES, tmp_path / "cases")
    (tmp_path / "cases" / "weak.md").write_text(case_text(good(do_differently=["Nothing."])), encoding="utf-8")
    return tmp_path


def run(root: Path, cache_dir: Path | None, **options: object) -> tuple[list[str], str, int]:
    """Check the casebook as `candour validate` does; the problems, the summary and the cache hits."""
    settings = Settings.from_options(root, dict(options))
    vocabulary = settings.load_vocabulary()
    results = casebook.checks_cache(settings, cache_dir)
    book = casebook.load(settings.cases_dir, vocabulary, settings.options, root=root,
                         vocabulary_file=settings.vocabulary, cache=results)
    results.save()
    return [p.text() for p in book.problems], str(book.summary()["line"]), results.hits


def test_a_second_run_reports_exactly_what_the_first_did(tmp_path: Path) -> None:
    root = make_casebook(tmp_path / "book")
    first = run(root, tmp_path / "cache")
    second = run(root, tmp_path / "cache")
    uncached = run(root, None)
    assert first[:2] == second[:2] == uncached[:2]
    assert first[2] == 0 and second[2] == len(list((root / "cases").glob("*.md")))
    assert any("weak.md" in p and "C10" in p for p in second[0])  # the error is reported from the cache too


def test_an_edited_file_is_checked_again(tmp_path: Path) -> None:
    root = make_casebook(tmp_path / "book")
    run(root, tmp_path / "cache")
    (root / "cases" / "weak.md").write_text(case_text(good()), encoding="utf-8")
    problems, _, hits = run(root, tmp_path / "cache")
    assert not any("weak.md" in p for p in problems) and hits == len(list((root / "cases").glob("*.md"))) - 1


def test_a_changed_vocabulary_is_never_hidden_by_the_cache(tmp_path: Path) -> None:
    root = make_casebook(tmp_path / "book")
    run(root, tmp_path / "cache")
    vocabulary = root / "cases" / "vocabulary.yml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace("  funding: Funding\n", ""),
                          encoding="utf-8")
    problems, _, hits = run(root, tmp_path / "cache")
    assert hits == 0 and any("'funding' is not one of the themes" in p for p in problems)


def test_changed_options_are_never_hidden_by_the_cache(tmp_path: Path) -> None:
    root = make_casebook(tmp_path / "book")
    run(root, tmp_path / "cache")
    problems, _, hits = run(root, tmp_path / "cache", min_words=40)
    assert hits == 0 and any("it needs at least 40" in p for p in problems)


def test_new_checking_code_is_never_hidden_by_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_casebook(tmp_path / "book")
    run(root, tmp_path / "cache")
    monkeypatch.setattr(cache_module, "code_digest", lambda: "a new rule")
    assert run(root, tmp_path / "cache")[2] == 0


def test_a_named_case_that_unmasks_an_unchanged_anonymised_case_is_caught(tmp_path: Path) -> None:
    root = make_casebook(tmp_path / "book")
    anonymised = good(attribution="anonymised", organisations=None, described_as="A district council",
                      summary=good()["summary"] + " The Kestrel Valley Trust ran the triage call.")
    (root / "cases" / "anonymous.md").write_text(case_text(anonymised), encoding="utf-8")
    problems, _, _ = run(root, tmp_path / "cache")
    assert not any("anonymous.md" in p and "error" in p for p in problems if "C30" in p)
    # Another case now names the trust: the anonymised file's bytes are unchanged, its result is not.
    (root / "cases" / "named.md").write_text(case_text(good(organisations=["Kestrel Valley Trust"])),
                                             encoding="utf-8")
    problems, _, _ = run(root, tmp_path / "cache")
    assert any(p.startswith("cases/anonymous.md") and "C301" in p for p in problems), problems


def test_a_damaged_cache_file_is_ignored(tmp_path: Path) -> None:
    root = make_casebook(tmp_path / "book")
    first = run(root, tmp_path / "cache")
    for damage in ("{not json", '{"format": 2, "code": "x", "facts": {}, "results": {}, "files": {}}', "[]", "",
                   json.dumps({"format": cache_module.FORMAT, "code": cache_module.code_digest(), "facts": {},
                               "results": {}, "files": []})):
        for file in (tmp_path / "cache").glob("*.json"):
            file.write_text(damage, encoding="utf-8")
        again = run(root, tmp_path / "cache")
        assert again[:2] == first[:2] and again[2] == 0


def reads(root: Path, cache_dir: Path) -> tuple[list[str], int]:
    """The problems of a run as `candour validate` finds them, and how many files it read and hashed."""
    settings = Settings.from_options(root, {})
    results = casebook.checks_cache(settings, cache_dir)
    book = casebook.load(settings.cases_dir, settings.load_vocabulary(), settings.options, root=root,
                         vocabulary_file=settings.vocabulary, cache=results)
    results.save()
    return [p.text() for p in book.problems], results.read


def test_an_unchanged_file_is_known_by_its_status_and_a_rewritten_one_is_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stale digest can never hide an error: rewritten to the same size with its old modification time
    put back, or replaced by a copy, a file is read again, because its status changed."""
    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)  # the files were all written just now
    root = make_casebook(tmp_path / "book")
    files = len(list((root / "cases").glob("*.md")))
    assert reads(root, tmp_path / "cache")[1] == files
    assert reads(root, tmp_path / "cache") == (reads(root, None)[0], 0)  # nothing read again, the same report
    case = root / "cases" / "two.md"
    case.write_text(case_text(good()), encoding="utf-8")
    reads(root, tmp_path / "cache")
    before = case.stat()
    weak = case_text(good(do_differently=["Nothing."]))
    good_text = case.read_text(encoding="utf-8")
    weak = weak + " " * (len(good_text.encode()) - len(weak.encode()))
    assert len(weak.encode()) == before.st_size
    case.write_text(weak, encoding="utf-8")
    os.utime(case, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (case.stat().st_size, case.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    problems, read = reads(root, tmp_path / "cache")
    assert read == 1 and any(p.startswith("cases/two.md") and "C10" in p for p in problems), problems
    # A copy in its place (another inode, the same bytes and times) is read again, and its result is found.
    shutil.copy2(case, tmp_path / "copy.md")
    os.replace(tmp_path / "copy.md", case)
    assert reads(root, tmp_path / "cache") == (problems, 1)


def test_a_file_changed_just_before_it_was_read_is_read_again(tmp_path: Path) -> None:
    """Within the file system's clock tick a second change could leave the same status, so a file changed in
    the seconds before it was read is not known by its status next time."""
    root = make_casebook(tmp_path / "book")
    files = len(list((root / "cases").glob("*.md")))
    assert reads(root, tmp_path / "cache")[1] == files
    assert reads(root, tmp_path / "cache")[1] == files  # all were written a moment ago: none is known yet


def test_a_result_marked_published_with_errors_is_still_refused(tmp_path: Path) -> None:
    """Whatever a result's state says, a file with an error is never counted as ready to publish."""
    root = make_casebook(tmp_path / "book")
    run(root, tmp_path / "cache")
    file = next((tmp_path / "cache").glob("*.json"))
    data = json.loads(file.read_text(encoding="utf-8"))
    for result in data["results"].values():
        result[0] = "published"
    file.write_text(json.dumps(data), encoding="utf-8")
    problems, summary, _ = run(root, tmp_path / "cache")
    assert any("weak.md" in p for p in problems)  # its problems are still reported, so it is still refused
    assert "with errors" in summary and " 0 with errors" not in summary


@pytest.mark.parametrize("damaged", [["weird", []], ["published"], [None, []], ["draft", "no problems"], "error"])
def test_a_damaged_result_is_checked_again(tmp_path: Path, damaged: object) -> None:
    """A result the cache could not have written (a state it never writes, no problems) is not trusted."""
    root = make_casebook(tmp_path / "book")
    first = run(root, tmp_path / "cache")
    file = next((tmp_path / "cache").glob("*.json"))
    data = json.loads(file.read_text(encoding="utf-8"))
    data["results"] = dict.fromkeys(data["results"], damaged)
    file.write_text(json.dumps(data), encoding="utf-8")
    assert run(root, tmp_path / "cache")[:2] == first[:2]


def test_the_cache_lives_outside_the_casebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CANDOUR_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_module.default_folder() == tmp_path / "xdg" / "candour"
    monkeypatch.setenv("CANDOUR_CACHE_DIR", "")
    assert cache_module.default_folder() is None


def test_checking_on_every_core_reports_what_one_core_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_casebook(tmp_path / "book")
    for n in range(6):
        (root / "cases" / f"extra-{n}.md").write_text(case_text(good(do_differently=["TBC"] if n % 2 else
                                                                       good()["do_differently"])), encoding="utf-8")
    one_core = run(root, None), site(root, tmp_path / "one")
    monkeypatch.setattr(casebook, "PARALLEL_FROM", 4)
    monkeypatch.setattr(casebook.os, "cpu_count", lambda: 2)
    start = casebook._start_worker
    started = tmp_path / "workers"
    started.mkdir()

    def start_and_say(*args: object) -> None:  # runs in each worker: a file tells the test it ran
        (started / str(os.getpid())).touch()
        start(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(casebook, "_start_worker", start_and_say)
    assert (run(root, None), site(root, tmp_path / "two")) == one_core
    assert len(list(started.iterdir())) >= 2 and str(os.getpid()) not in os.listdir(started)


def site(root: Path, cache_dir: Path) -> list[tuple[str, str, object, object, list[str]]]:
    """What a site is made from: each case file's state, source and case, read as the plugin reads them, from a
    cold cache and then from the warm one."""
    settings = Settings.from_options(root, {})
    made = []
    for _ in range(2):
        results = casebook.checks_cache(settings, cache_dir)
        _, book = casebook.open_casebook(settings, cache=results)
        results.save()
        made.append([(e.file, casebook.state_of(e), e.source and e.source.body, e.case,
                      [p.text() for p in e.problems]) for e in [*book.cases, *book.drafts]])
    assert made[0] == made[1]
    return made[0]


def test_another_version_of_a_checking_library_is_another_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache_module.code_digest()
    cache_module.code_digest.cache_clear()
    real = cache_module.metadata.version
    monkeypatch.setattr(cache_module.metadata, "version", lambda name: "99.0" if name == "nh3" else real(name))
    try:
        assert cache_module.code_digest() != before
    finally:
        cache_module.code_digest.cache_clear()
