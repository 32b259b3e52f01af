"""Bytes -> front-matter, body and a line map; every failure becomes a located Problem.

MkDocs parses front-matter itself and swallows YAML errors (`mkdocs/utils/meta.py`), so
Candour reads every case file here, before MkDocs sees it, and never raises on bad input:
a file that cannot be read gives a `Source` with `front_matter=None` and its problems.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import yaml_hints
from .problems import Path, Problem, Severity, quote

try:  # The C loader is several times faster; PyYAML without libyaml still works.
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

#: Largest case file read at all. A long case is about 20 KB (the longest of 60 real lessons-learned
#: posts is 27 KB); ten times that keeps every check and the rendering of even the most hostile
#: file within a few seconds.
MAX_BYTES = 256_000
#: Deepest nesting accepted in front-matter. Real cases nest three levels; libyaml's composer
#: recurses in C and crashes the interpreter somewhere past ~50,000 levels.
MAX_DEPTH = 100
#: Below this many characters YAML cannot nest deeply enough to crash the C composer, so the depth is
#: checked while walking the composed nodes instead of by a separate scan of the events.
_DEPTH_SCAN_FROM = 10_000

#: Longest number read: longer ones are refused before Python tries to hold them.
MAX_NUMBER = 100

FENCE = "---"
BOM = b"\xef\xbb\xbf"


@dataclass
class Source:
    """One case file as read: front-matter (or None if unreadable), body, and where things are."""

    file: str
    front_matter: dict[str, Any] | None
    body: str = ""
    fm_line: int = 1
    body_line: int = 1
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor that exists; the opening fence otherwise."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return self.fm_line

    def problem(self, path: Path, message: str, hint: str = "", *, code: str, line: int | None = None,
                severity: Severity = "error") -> Problem:
        return Problem(self.file, line or self.line_of(path), tuple(path), message, hint, severity, code)


class UnreadableFile(Exception):
    """A file that is not read: what is wrong and what to do, in plain words."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


#: Opening with this flag refuses a symbolic link (ELOOP): no separate check, which costs a system call.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def read_bytes(path: str | os.PathLike[str], limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at `path`: never a symlink, a device or a pipe, never past `limit`.

    A pull request can add a symbolic link (git stores them): one to /dev/zero would fill memory, one
    to a file outside the repository would publish it. So links are never followed, anything but a
    regular file is refused before a byte is read, and at most `limit` + 1 bytes are read, whatever
    the file says its size is.
    """
    flags = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
    if not _NOFOLLOW and os.path.islink(path):  # where opening cannot refuse a link itself
        raise UnreadableFile("this is a symbolic link, not a file",
                             "replace the link with the file itself: links are never followed")
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFile("this is a symbolic link, not a file",
                                 "replace the link with the file itself: links are never followed") from None
        raise UnreadableFile(f"the file cannot be read: {exc.strerror or exc}",
                             "check that it is a regular file") from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFile("this is not a regular file", "cases and the vocabulary must be ordinary text files")
        # Read in pieces of the size the file says it has, and one byte more, so a file that grows while it
        # is read is still cut at the limit (a buffer of the limit's size for every file costs more than
        # reading it).
        pieces: list[bytes] = []
        got = 0
        while got <= limit:
            asked = min(limit + 1 - got, max(status.st_size + 1, 1 << 16))
            piece = os.read(descriptor, asked)
            pieces.append(piece)
            got += len(piece)
            if not piece or (len(piece) < asked and got >= status.st_size):
                break  # at the end: a short read once the size it said is read, without asking again
    finally:
        os.close(descriptor)
    data = b"".join(pieces)  # one piece is returned as it is, not copied
    if len(data) > limit:
        raise UnreadableFile(f"the file is over the limit of {limit:,} bytes",
                             "a case is a few pages of text: move images and attachments out of the file")
    return data


def read_case(path: str | os.PathLike[str], display: str) -> Source:
    """Read and parse the case file at `path`; `display` is the name used in messages."""
    try:
        data = read_bytes(path)
    except UnreadableFile as exc:
        return _failed(display, 1, exc.message, exc.hint)
    return parse_case(data, display)


def parse_case(data: bytes, display: str) -> Source:
    """Parse the bytes of a case file. Never raises for any input."""
    if len(data) > MAX_BYTES:
        return _failed(display, 1, f"the file is {len(data):,} bytes, over the limit of {MAX_BYTES:,}",
                       "a case is a few pages of text: move images and attachments out of the file")
    while data.startswith(BOM):  # some editors add one each time they save
        data = data[len(BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return _failed(display, line, "the file is not valid UTF-8 text",
                       "save it as UTF-8; in most editors: Save As, then choose the encoding UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        return _failed(display, 1, "the file has no front-matter",
                       "a case starts with a line '---', then its fields such as 'title: ...', "
                       "then another line '---'; run 'candour new' for a template")
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if close is None:
        return _failed(display, 1, "the front-matter is never closed",
                       "add a line with just '---' after the last field, before the text of the case")
    source = Source(display, None, body="\n".join(lines[close + 1:]), fm_line=1, body_line=close + 2)
    _parse_front_matter(source, "\n".join(lines[1:close]), first_line=2, story_follows=True)
    return source


def parse_yaml(data: bytes, display: str) -> Source:
    """Parse a whole YAML data file (the vocabulary, mkdocs.yml) with the same guarantees."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _failed(display, data[: exc.start].count(b"\n") + 1, "the file is not valid UTF-8 text",
                       "save it as UTF-8")
    source = Source(display, None)
    _parse_front_matter(source, text.replace("\r\n", "\n"), first_line=1)
    return source


def _failed(display: str, line: int, message: str, hint: str) -> Source:
    return Source(display, None, problems=[Problem(display, line, (), message, hint, code="C001")])


class _LineMap:
    """YAML line (from 0) -> file line. YAML also breaks lines at NEL, LS and PS; editors do not."""

    def __init__(self, text: str, first_line: int) -> None:
        self.first = first_line
        self.starts: list[int] | None = None
        if any(ch in text for ch in "\x85\u2028\u2029"):
            line, starts = first_line, [first_line]
            for ch in text:
                if ch == "\n":
                    line += 1
                    starts.append(line)
                elif ch in "\x85\u2028\u2029":
                    starts.append(line)
            self.starts = starts

    def __call__(self, yaml_line: int) -> int:
        if self.starts is None:
            return yaml_line + self.first
        return self.starts[min(yaml_line, len(self.starts) - 1)]


def _parse_front_matter(source: Source, text: str, first_line: int, *, story_follows: bool = False) -> None:
    """Fill `source.front_matter`, `source.lines` and `source.problems` from the YAML text."""
    offset = _LineMap(text, first_line)
    if len(text) >= _DEPTH_SCAN_FROM:
        try:
            depth, depth_line = _max_depth(text)
        except yaml.YAMLError as exc:
            source.problems.append(_yaml_problem(source.file, exc, text, offset, story_follows))
            return
        if depth > MAX_DEPTH:
            source.problems.append(Problem(source.file, offset(depth_line), (),
                                           f"the front-matter nests {depth} levels deep",
                                           f"no field needs more than a few levels; at most {MAX_DEPTH} are read",
                                           code="C003"))
            return
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            source.front_matter = {}
            return
        ok = _walk(source, node, offset, _YAML_LINE_BREAK_RE.split(text))
        if not ok:
            return
        try:
            data = loader.construct_document(node)
        except (ValueError, OverflowError) as exc:  # a date that does not exist, a number too long to read
            source.problems.append(_unreadable_value(source.file, node, exc, offset))
            return
    except yaml.YAMLError as exc:
        source.problems.append(_yaml_problem(source.file, exc, text, offset, story_follows))
        return
    except RecursionError:
        source.problems.append(Problem(source.file, first_line, (), "the front-matter nests too deeply to read",
                                       "no field needs more than a few levels of indentation", code="C003"))
        return
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        source.problems.append(Problem(source.file, first_line, (), f"the front-matter is {kind}, not a set of fields",
                                       "write one field per line, like 'title: Our referral pilot'", code="C003"))
        return
    source.front_matter = data


def _unreadable_value(file: str, root: yaml.Node, exc: Exception, offset: _LineMap) -> Problem:
    """A value YAML reads as a date or number but Python cannot hold, at the line of the first such value."""
    line = offset(root.start_mark.line)
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                yaml.SafeLoader("").construct_object(node)
            except (ValueError, OverflowError, yaml.YAMLError):
                line = offset(node.start_mark.line)
                break
        elif isinstance(node, yaml.MappingNode):
            stack.extend(v for pair in reversed(node.value) for v in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    detail = _bounded(str(exc).split("\n")[0])
    return Problem(file, line, (), f"this value cannot be read: {detail}",
                   "check that the date is a real one, written YYYY-MM-DD, like 2024-02-29"
                   if (isinstance(exc, ValueError) and "must be in" in str(exc)) or "out of range" in str(exc)
                   else "write it as text, in quotes", code="C003")


def _max_depth(text: str) -> tuple[int, int]:
    """Deepest collection nesting in `text`, from libyaml's event stream (iterative, so safe)."""
    depth = best = best_line = 0
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > best:
                best, best_line = depth, getattr(event.start_mark, "line", 0)
            if depth > MAX_DEPTH:
                break
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return best, best_line


def _walk(source: Source, root: yaml.Node, offset: _LineMap, lines: list[str]) -> bool:
    """Record the line of every key and list item; report duplicate keys, aliases and odd keys.

    Iterative, and each node is visited once, so neither deep nesting nor alias bombs can blow up.
    Returns False when the document must not be constructed (it uses aliases).
    """
    seen: set[int] = set()
    ok = True
    stack: list[tuple[yaml.Node, Path]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            source.problems.append(source.problem(path, "YAML aliases ('*name') are not allowed in a case",
                                                  "write the value out in full", code="C003"))
            ok = False
            continue
        seen.add(id(node))
        if len(path) > MAX_DEPTH:
            source.problems.append(source.problem(path[:1], f"the front-matter nests more than {MAX_DEPTH} levels deep",
                                                  f"no field needs more than a few levels; at most {MAX_DEPTH} "
                                                  "are read", code="C003"))
            return False
        if isinstance(node, yaml.MappingNode):
            first_seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                line = offset(key_node.start_mark.line)
                if not isinstance(key_node, yaml.ScalarNode):
                    source.problems.append(Problem(source.file, line, path, "a field name must be a plain word",
                                                   "write 'name: value'", code="C003"))
                    ok = False
                    continue
                key = key_node.value
                if key in first_seen:
                    source.problems.append(Problem(
                        source.file, line, (*path, key), f"this field appears twice (first on line {first_seen[key]})",
                        "keep one of them: YAML would silently use only the last one", code="C003"))
                    continue
                first_seen[key] = line
                source.lines[(*path, key)] = line
                stack.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                source.lines[(*path, index)] = offset(item.start_mark.line)
                stack.append((item, (*path, index)))
        elif node.tag.endswith((":int", ":float")) and len(node.value) > MAX_NUMBER:
            source.problems.append(Problem(source.file, offset(node.start_mark.line), path,
                                           f"this number is {len(node.value):,} characters long",
                                           "no field needs a number this long: put text in quotes", code="C003"))
            ok = False
        elif not getattr(node, "style", None) and (lost := _lost_text(node, lines)) is not None:
            index, message, hint, severity = lost
            source.problems.append(Problem(source.file, offset(index), path, message, hint, severity, "C002"))
    return ok


# Where YAML breaks lines, so that its line numbers index this list.
_YAML_LINE_BREAK_RE = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _lost_text(node: yaml.Node, lines: list[str]) -> tuple[int, str, str, Severity] | None:
    """Text of an unquoted value that YAML silently reads otherwise than it was written, if any:
    words after ' #' (a comment, dropped), or a '- ' line that was meant as a new item (merged)."""
    start, end = node.start_mark, node.end_mark
    if end.line >= len(lines):
        return None
    if str(node.value).startswith("-") and lines[start.line].lstrip().startswith("-") and \
            not re.match(r"-[\s-]", str(node.value)):
        return (start.line, "there is no space after the '-' that starts this list item",
                "put a space after the '-', as in '- item'", "error")
    for index in range(start.line + 1, min(end.line, len(lines) - 1) + 1):
        if lines[index].lstrip().startswith("- "):
            return (index, "this line is read as part of the item above, not as a new item",
                    "line up its '-' with the '-' of the item above", "error")
    rest = lines[end.line][end.column:] if end.line < len(lines) else ""
    if re.match(r"[ \t]++#", rest):
        return (end.line, f"the words after '#' ({quote(rest.strip()[1:].strip())}) are left out: YAML reads them "
                          "as a note to the editor", "put the whole text in double quotes to keep them", "warning")
    return None


_YAML_HINTS = (
    ("mapping values are not allowed", "text that contains ': ' must be in quotes, like title: \"Pilot: year one\""),
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("could not find expected ':'", "every field needs 'name: value'; check this line and the one above "
                                    "for a missing colon or an unclosed quote"),
    ("did not find expected key", "check the indentation: items of one list or fields of one setback "
                                  "must line up"),
    ("did not find expected '-' indicator", "each item of a list starts with '- ' at the same indentation"),
    ("found unexpected end of stream", "a quote or bracket is opened and never closed"),
    ("found undefined tag handle", "remove the '!' tag: case fields are plain text, lists and dates"),
    ("could not determine a constructor", "remove the '!' tag: case fields are plain text, lists and dates"),
    ("found undefined alias", "'*' starts an alias in YAML: put the text in quotes"),
    ("found character '@'", "text that starts with '@' or '`' must be in quotes"),
    ("found character '`'", "text that starts with '@' or '`' must be in quotes"),
    ("special characters are not allowed", "remove control characters from the file"),
    ("unacceptable character", "remove control characters from the file"),
)


def _yaml_problem(file: str, exc: yaml.YAMLError, text: str, offset: _LineMap, story_follows: bool) -> Problem:
    """A YAML error as a located problem: the likely cause in plain words, the parser's own words last."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        index = mark.line
    elif isinstance(getattr(exc, "position", None), int):  # ReaderError: bad characters
        index = text.count("\n", 0, exc.position)  # type: ignore[attr-defined]
    else:
        index = -1
    if isinstance(exc, yaml.MarkedYAMLError):
        what = exc.problem or exc.context or "invalid YAML"
    else:
        what = (str(exc).splitlines() or ["invalid YAML"])[0]
    cause = yaml_hints.likely_cause(text, index, offset, story_follows=story_follows) if index >= 0 else None
    if cause is not None:
        return Problem(file, offset(cause.index), (), cause.message, cause.hint, code="C002")
    hint = next((h for key, h in _YAML_HINTS if key in str(exc)),
                "check the quotes, colons and indentation on this line and the one above")
    return Problem(file, max(offset(index) if index >= 0 else offset.first - 1, 1), (),
                   f"the front-matter is not valid YAML: {_bounded(what.strip())}", hint, code="C002")


def _bounded(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
