"""The loader turns any bytes into front-matter and a line map, or located problems; it never raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from candour.core.loader import MAX_BYTES, MAX_DEPTH, UnreadableFile, parse_case, parse_yaml, read_bytes


def test_reads_front_matter_body_and_lines() -> None:
    source = parse_case(b"---\ntitle: Hello there world\nsetbacks:\n  - what: one\n    why: two\n---\nBody\n", "c.md")
    assert source.problems == []
    assert source.front_matter == {"title": "Hello there world", "setbacks": [{"what": "one", "why": "two"}]}
    assert source.body == "Body\n"
    assert source.body_line == 7
    assert source.lines[("title",)] == 2
    assert source.lines[("setbacks",)] == 3
    assert source.lines[("setbacks", 0)] == 4
    assert source.lines[("setbacks", 0, "what")] == 4
    assert source.lines[("setbacks", 0, "why")] == 5


def test_missing_paths_fall_back_to_nearest_ancestor_then_opening_fence() -> None:
    source = parse_case(b"---\na: 1\nsetbacks:\n  - what: x\n---\n", "c.md")
    assert source.line_of(("setbacks", 0, "impact")) == 4
    assert source.line_of(("do_differently",)) == 1


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbf---\ntitle: x\n---\nBody\r\n",
    b"---\r\ntitle: x\r\n---\r\nBody\r\n",
    b"---  \ntitle: x\n...\nBody\r\n",
])
def test_bom_crlf_and_yaml_end_marker_are_fine(data: bytes) -> None:
    source = parse_case(data, "c.md")
    assert source.problems == []
    assert source.front_matter == {"title": "x"}
    assert source.lines[("title",)] == 2


@pytest.mark.parametrize(("data", "line", "words"), [
    (b"# Just a heading\n", 1, "no front-matter"),
    (b"", 1, "no front-matter"),
    (b"---\ntitle: x\nBody without a closing fence\n", 1, "never closed"),
    (b"---\ntitle: x\n\xff\xfe\n---\n", 3, "not valid UTF-8"),
    (b"---\ntitle: x\nsummary: [unclosed\n---\n", 4, "not valid YAML"),
    (b"---\ntitle: x\nplace: Pilot: year one\n---\n", 3, "not valid YAML"),
    (b"---\ntitle: x\n\tplace: y\n---\n", 3, "indented with a tab"),
    (b"---\ntitle: !!python/object:os.system x\n---\n", 2, "not valid YAML"),
    (b"---\ntitle: !custom x\n---\n", 2, "not valid YAML"),
    (b"---\n- a\n- b\n---\n", 2, "is a list"),
    (b"---\njust text\n---\n", 2, "a single value"),
    (b"---\ntitle: x\x07\n---\n", 2, "not valid YAML"),
])
def test_broken_input_gives_one_located_problem(data: bytes, line: int, words: str) -> None:
    source = parse_case(data, "c.md")
    assert source.front_matter is None
    assert len(source.problems) == 1
    problem = source.problems[0]
    assert (problem.line, problem.file) == (line, "c.md")
    assert words in problem.message
    assert problem.hint


def test_duplicate_keys_are_reported_at_the_second_one() -> None:
    source = parse_case(b"---\ntitle: one\nplace: x\ntitle: two\nsetbacks:\n  - what: a\n    what: b\n---\n", "c.md")
    found = [(p.line, p.field, p.message) for p in source.problems]
    assert found == [
        (4, "title", "this field appears twice (first on line 2)"),
        (7, "setbacks[0].what", "this field appears twice (first on line 6)"),
    ]


def test_aliases_are_refused_so_alias_bombs_cannot_expand() -> None:
    lines = ["---", 'a: &a ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    source = parse_case(("\n".join([*lines, "---", ""])).encode(), "c.md")
    assert source.front_matter is None
    assert source.problems and all("alias" in p.message for p in source.problems)


def test_deep_nesting_is_refused_without_crashing() -> None:
    deep = b"---\nsetbacks: " + b"[" * 100_000 + b"]" * 100_000 + b"\n---\n"  # past libyaml's crash depth
    source = parse_case(deep, "c.md")
    assert source.front_matter is None
    assert [p.message for p in source.problems] == [f"the front-matter nests {MAX_DEPTH + 1} levels deep"]


def test_block_nesting_is_refused_too() -> None:
    deep = b"---\nsetbacks:\n" + b"".join(b" " * i + b"- \n" for i in range(300)) + b"---\n"
    source = parse_case(deep, "c.md")
    assert source.front_matter is None
    assert [p.message for p in source.problems] == [f"the front-matter nests {MAX_DEPTH + 1} levels deep"]


def test_oversized_file_is_refused_before_parsing() -> None:
    source = parse_case(b"---\ntitle: " + b"x" * MAX_BYTES + b"\n---\n", "c.md")
    assert source.front_matter is None
    assert "over the limit" in source.problems[0].message


@pytest.mark.parametrize("size", [0, 1, 65_535, 65_536, 65_537, 200_001, 1000, 1001])
def test_read_bytes_reads_every_byte_up_to_the_limit_and_refuses_one_more(tmp_path: Path, size: int) -> None:
    """Files are read in pieces of the size they say they have: every size around the pieces and the limit."""
    limit = 1000 if size in (1000, 1001) else MAX_BYTES
    data = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    path = tmp_path / "case.md"
    path.write_bytes(data)
    if size > limit:
        with pytest.raises(UnreadableFile, match="over the limit"):
            read_bytes(path, limit)
    else:
        assert read_bytes(path, limit) == data
        assert read_bytes(str(path), limit) == data


def test_long_yaml_error_messages_are_bounded() -> None:
    source = parse_case(b"---\ntitle: !" + b"x" * 5000 + b" y\n---\n", "c.md")
    assert len(source.problems[0].text()) < 500


def test_parse_yaml_reads_a_whole_data_file() -> None:
    source = parse_yaml(b"regions:\n  london: London\n", "v.yml")
    assert source.front_matter == {"regions": {"london": "London"}}
    assert source.lines[("regions", "london")] == 2
