"""Property tests: whatever a case file holds, the validator answers cleanly, located and bounded."""

from __future__ import annotations

import contextlib
import shutil
import string
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candour.core import casebook, rules
from candour.core.loader import parse_case
from candour.core.validation import check_source
from candour.core.vocabulary import Vocabulary, load_vocabulary
from tests.conftest import GOOD, ROOT, case_text

VOCABULARY: Vocabulary = load_vocabulary(ROOT / "cases" / "vocabulary.yml", "v")
MESSAGE_LIMIT = 1000
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that trips naive code: bidi controls, zero-width characters, combining marks, emoji, surrogates' neighbours.
ODD = ["\u202e", "\u200f", "\u200b", "\u200d", "\ufeff", "e\u0301", "\u0338", "👩🏽‍💻", "\U0010fffd", "\x00", "\x85",
       "\u2028", "---", ": ", "- ", "#", "&", "*", "!", "|", ">", "%", "@", "`", '"', "'", "{{", "}}", "<script>"]
text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(ODD) | st.text(alphabet=string.ascii_letters + " ", max_size=8), max_size=12)
    .map("".join),
    st.integers(0, 200_000).map(lambda n: "x" * n),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), text, st.dates())
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                      max_leaves=20)


def assert_clean(data: bytes) -> None:
    source = parse_case(data, "cases/x.md")
    case, problems = check_source(source, VOCABULARY, rules.Options())
    lines = data.count(b"\n") + 2
    for problem in problems:
        assert 1 <= problem.line <= lines, problem
        assert problem.message
        assert len(problem.text()) <= MESSAGE_LIMIT, problem.text()[:200]
    assert case is None or not [p for p in problems if p.severity == "error"]


@SETTINGS
@given(st.binary(max_size=4000))
def test_random_bytes(data: bytes) -> None:
    assert_clean(data)
    assert_clean(b"---\n" + data + b"\n---\n")


@SETTINGS
@given(st.dictionaries(text, values, max_size=8))
def test_random_front_matter(data: dict[str, Any]) -> None:
    try:
        dumped = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return
    assert_clean(("---\n" + dumped + "---\nBody\n").encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.sampled_from(sorted(GOOD)), values)
def test_one_field_of_a_good_case_replaced(field: str, value: Any) -> None:
    with contextlib.suppress(yaml.YAMLError):
        assert_clean(case_text({**GOOD, field: value}).encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.text(max_size=3000) | st.lists(st.sampled_from([*ODD, "\n", "<a href='javascript:x'>", "[a](data:x)"]))
       .map("".join))
def test_random_bodies(body: str) -> None:
    assert_clean(case_text(GOOD, body).encode("utf-8", "surrogatepass"))


def test_deep_nesting_and_huge_values() -> None:
    assert_clean(b"---\ntitle: " + b"[" * 50_000 + b"\n---\n")
    assert_clean(b"---\ntitle: " + b"- " * 50_000 + b"\n---\n")
    assert_clean(b"---\n" + b"k" * 500_000 + b": v\n---\n")
    assert_clean(b"---\nsetbacks:\n  - what: " + "\u202e".encode() * 100_000 + b"\n---\n")


KINDS = st.sampled_from(["valid", "draft", "invalid", "broken-yaml", "no-front-matter", "stray", "upper", "nested"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(KINDS, min_size=1, max_size=12))
def test_nothing_is_lost(tmp_path_factory: Any, kinds: list[str]) -> None:
    """Every file written to the cases folder ends up where its kind says: published, a draft, or an
    error naming it. What each file should give is decided here, as it is written, not by walking the folder."""
    folder: Path = tmp_path_factory.mktemp("cases")
    shutil.copy(ROOT / "cases" / "vocabulary.yml", folder)
    expected: dict[str, set[str]] = {"published": set(), "draft": set(), "error": set()}
    for index, kind in enumerate(kinds):
        name = f"case-{index}.md"
        content = case_text(GOOD)
        outcome = "error"
        if kind == "valid":
            outcome = "published"
        elif kind == "draft":
            content = case_text({**GOOD, "draft": True})
            outcome = "draft"
        elif kind == "invalid":
            content = case_text({k: v for k, v in GOOD.items() if k != "setbacks"})
        elif kind == "broken-yaml":
            content = "---\ntitle: [unclosed\n---\n"
        elif kind == "no-front-matter":
            content = "Just text.\n"
        elif kind == "stray":
            name = f"notes-{index}.txt"  # a good case's text, but not a case file
        elif kind == "upper":
            name = f"Case-{index}.MD"
        elif kind == "nested":
            (folder / f"sub-{index}").mkdir()
            name = f"sub-{index}/case.md"  # a good case, but not directly in the cases folder
        (folder / name).write_text(content, encoding="utf-8")
        expected[outcome].add(name)
    book = casebook.load(folder, VOCABULARY, root=folder, vocabulary_file=folder / "vocabulary.yml")
    assert {e.file for e in book.cases} == expected["published"]
    assert {e.file for e in book.drafts} == expected["draft"]
    assert {p.file for p in book.errors} == expected["error"]
    assert book.summary()["files"] == len(kinds)
    assert book.summary()["published"] == kinds.count("valid")
    assert book.summary()["drafts"] == kinds.count("draft")
