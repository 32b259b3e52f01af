"""Nothing a contributor writes can stall the check or the build: every pattern runs in linear time.

Every regular expression in the package is found by introspection (so a new one is covered without
anyone remembering to add it) and fed adversarial text: long runs of each character and pair of
characters it mentions, and the shapes that broke the old patterns. Linear time shows as a run that
takes about twice as long on twice the text; a quadratic one takes four times as long and, at these
sizes, seconds instead of milliseconds. Then whole hostile case files at the size limit go through the validator,
and pathological Markdown through the renderer.

These are guards against denial of service, not performance targets (those are in `make bench`):
the bounds are ten times what a linear run needs on this 2-core machine.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import candour
from candour.core import body, loader
from candour.core.validation import check_source
from candour.core.vocabulary import Vocabulary
from tests.conftest import GOOD, case_text

MODULES = [importlib.import_module(m.name) for m in pkgutil.walk_packages(candour.__path__, "candour.")
           if not m.name.startswith("candour.adapters")]
PATTERNS = sorted({(module.__name__.split(".")[-1], name): value for module in MODULES
                   for name, value in vars(module).items() if isinstance(value, re.Pattern)}.items())
# The shapes of input that made the old patterns quadratic, and the ones outside-tests.md lists.
SEEDS = ["a.", "@", "](", "[", "]:", "[\n", "[add ", "<a", "<", "{{", "{%", "{#", "`", "``x", "![", "<!--", "&#",
         "%4", "0 ", "+44 ", "no real ", "a@", "-", "://", "http://x/", "www.", " at ", " dot ", "x.com/", "(", "{:",
         "#", '"', "'", "=", "on", "\t", "\u00a0", "é", "a ", " ", "\n", "0", "a", "<script", "<!-- a --", "&amp;",
         "setback ", "TODO ", "{{<a ", "<img ", "\\"]
SIZE = 8_192  # a quadratic pattern takes seconds on twice this; a linear one about a millisecond
BOUND = 0.5  # seconds for twice SIZE: linear patterns take about a millisecond, quadratic ones seconds


def seeds_for(pattern: re.Pattern[str]) -> list[str]:
    """The common seeds, plus each punctuation character the pattern mentions, alone and with a letter."""
    own = {c for c in pattern.pattern if c.isascii() and not c.isalnum() and c.isprintable() and c != " "}
    return SEEDS + sorted(own) + [c + "a" for c in sorted(own)]


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def all_matches(pattern: re.Pattern[str], text: str) -> Callable[[], object]:
    return lambda: sum(1 for _ in pattern.finditer(text))


def test_every_module_level_pattern_is_found() -> None:
    names = {f"{module}.{name}" for (module, name), _ in PATTERNS}
    # The patterns the trust review found quadratic are among those tested.
    assert {"privacy.EMAIL_RE", "judgement._GAP_RE", "authoring._NUNJUCKS_RE", "security._ANCHOR_RE"} <= names
    assert len(PATTERNS) >= 30


@pytest.mark.parametrize(("where", "pattern"), PATTERNS, ids=[f"{m}.{n}" for (m, n), _ in PATTERNS])
def test_pattern_runs_in_linear_time(where: tuple[str, str], pattern: re.Pattern[str]) -> None:
    slow = []
    for seed in seeds_for(pattern):
        text = seed * (SIZE // len(seed))
        first = timed(all_matches(pattern, text))
        if first > BOUND / 25:  # look closer: twice the text must take about twice as long
            # Best of three for both sizes, so that a busy machine's noise is not taken for growth.
            first = min(first, *(timed(all_matches(pattern, text)) for _ in range(2)))
            double = min(timed(all_matches(pattern, text * 2)) for _ in range(3))
            if double > BOUND or double / max(first, 1e-4) > 3:
                slow.append((seed, round(first, 3), round(double, 3)))
    assert slow == [], f"{where}: superlinear on {slow}"


def hostile_files() -> Iterator[tuple[str, bytes]]:
    """Case files near the size limit, each the worst shape found for one check."""
    size = loader.MAX_BYTES - 20_000
    anonymised = {**{k: v for k, v in GOOD.items() if k != "organisations"}, "attribution": "anonymised",
                  "described_as": "A district council in the East of England"}
    bodies = {
        "email-like dots": "Contact @ " + "a." * (size // 2),
        "unclosed inline links": "](" + "[" * size,
        "unclosed references": "]:" + "[\n" * (size // 2),
        "unclosed placeholders": "[add " * (size // 5),
        "unclosed tags": "<a" * (size // 2),
        "comment openers": "<!--" * (size // 4),
        "backtick runs": "".join("`" * i + "x" for i in range(1, int((2 * size) ** 0.5) - 2)),
        "images with open parentheses": "![a](b" * (size // 6),
        "setext lines": "=\n" * (size // 2),
        "headings": "## a\n" * (size // 5),
        "nested lists": "1. " * (size // 3),
        "brackets and backticks": "*[`" * (size // 3),
        "entities": "&#64;" * (size // 5),
        "digits": "0 " * (size // 2),
        "spelled-out addresses": "jane dot " * (size // 9) + "at council dot gov dot uk",
        "template tags": "{%" * (size // 2),
    }
    for name, text in bodies.items():
        yield f"{name} (named)", case_text(GOOD, body=text).encode()
        yield f"{name} (anonymised)", case_text(anonymised, body=text).encode()
    long_text = "[add " * (size // 6)
    yield "placeholder shape in the front-matter", case_text({**GOOD, "summary": long_text}, body="Text.").encode()


@pytest.mark.parametrize(("name", "data"), list(hostile_files()), ids=[n for n, _ in hostile_files()])
def test_a_hostile_file_at_the_size_limit_is_checked_in_seconds(vocabulary: Vocabulary, name: str, data: bytes) -> None:
    assert len(data) <= loader.MAX_BYTES, name
    seconds = timed(lambda: check_source(loader.parse_case(data, "cases/x.md"), vocabulary,
                                         __import__("candour.core.rules", fromlist=["Options"]).Options()))
    assert seconds < 5, f"{name}: {seconds:.1f} s"


def test_a_megabyte_is_refused_before_it_is_read(vocabulary: Vocabulary, tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"---\ntitle: x\n---\n" + b"](" * 500_000)
    started = time.perf_counter()
    source = loader.read_case(path, "cases/big.md")
    assert time.perf_counter() - started < 1
    assert [p.message for p in source.problems] == [f"the file is over the limit of {loader.MAX_BYTES:,} bytes"]


@pytest.mark.parametrize("seed", ["[", "![", "[a](", "]:[\n", "[add ", "<a", "=\n", "---\n", "## a\n", "1. ",
                                  "- ", "> ", "*[`", "*_", "&#1", "\\[", "![a](b", "# \n", "a\n-\n", "|-\n"])
def test_rendering_is_linear_and_never_recurses(seed: str) -> None:
    """Python-Markdown took minutes on 40 KB of some of these and crashed on nested lists."""
    text = seed * (25_000 // len(seed))
    first = timed(lambda: body.render(text))
    double = timed(lambda: body.render(text * 2))
    # Linear: under a second for 50 KB on this machine. The bugs this guards against took minutes.
    assert first < 3 and double < 6, (seed, first, double)
