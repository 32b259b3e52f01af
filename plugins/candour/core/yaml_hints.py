"""The likely cause of a YAML error, in a contributor's words, found from the lines themselves.

libyaml (PyYAML's C loader) reports where it gave up, in a parser's terms ("found character that
cannot start any token"), often a line or two after the mistake. The mistakes people actually make
in a web editor or after pasting from a word processor are few and recognisable: a tab, curly
quotes, no space after a colon, an apostrophe inside single quotes, a bullet typed as an en dash,
and the story run into the front-matter when the closing '---' is missing. Each is looked for on
the lines up to the error, nearest first, so the message names the right line and the right cause.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from .problems import quote


@dataclass(frozen=True)
class Cause:
    index: int  # 0-based line of the YAML text
    message: str
    hint: str


#: How many lines above the parser's line a mistake is looked for (besides tabs and the story).
LOOK_BACK = 3

_TAB_INDENT_RE = re.compile(r"\A[ ]*+(?:-[ ]*+)?\t")
_ITEM = r"\A[ \t]*+(?:-[ \t]++)?"
_CURLY_RE = re.compile(rf"{_ITEM}(?:[\w-]++[ \t]*+:[ \t]++)?([“”‘’„‚«»])")
_NO_SPACE_RE = re.compile(rf"{_ITEM}([A-Za-z_][\w-]{{0,40}}+):([^\s:/][^\n]{{0,80}}+)")
_APOSTROPHE_RE = re.compile(rf"{_ITEM}(?:[\w-]++[ \t]*+:[ \t]++)?'[^'\n]*+'(\w)")
#: What to do about a dash or bullet typed in place of '-', wherever it is found.
DASH_HINT = ("type each item on its own line as '- item', with the ordinary hyphen key: word processors turn '-' "
             "into a dash or a bullet")
#: A list item typed in a word processor: '– item' is text to YAML, not an item.
DASH_BULLET_RE = re.compile(r"\A[ \t]*+([–—•‒―−·▪●◦])[ \t]")
# Indentation pasted from a word processor: a no-break or other Unicode space YAML does not count.
_ODD_SPACE_RE = re.compile(r"\A[ \t]*+([\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff])")
# '-item', no space after the dash (but not '---').
_DASH_NO_SPACE_RE = re.compile(r"\A[ \t]*+-(?=[^\s-])")
# A value that starts with a quoted phrase and goes on: YAML ends the value at the closing quote.
_QUOTE_THEN_TEXT_RE = re.compile(rf"{_ITEM}(?:[\w-]++[ \t]*+:[ \t]++)?([\"'])[^\"'\n]*+\1[ \t]++[^\s#]")
# Text in double quotes that holds another double quote: '"a 12-month "early warning" pilot"'.
_INNER_QUOTE_RE = re.compile(rf"{_ITEM}(?:[\w-]++[ \t]*+:[ \t]++)?\"[^\"\n]*+\"(\w[^\"\n]{{0,40}}+)")
# A double quote opened on a line and not closed on it.
_OPEN_QUOTE_RE = re.compile(rf"{_ITEM}(?:[\w-]++[ \t]*+:[ \t]++)?\"(?:[^\"\\\n]|\\.)*+\Z")
# A Markdown heading or a line of prose at the margin: the story, read as front-matter.
_HEADING_RE = re.compile(r"\A#{1,6}[ \t]++\S")
_KEY_RE = re.compile(r"\A[ \t]*+(?:-[ \t]*+)?[\w\"'-][^:\n]{0,60}+:(?:[ \t]|$)")


def likely_cause(text: str, error_index: int, file_line: Callable[[int], int], *,
                 story_follows: bool) -> Cause | None:
    """The likeliest beginner's mistake at or above line `error_index` of the YAML `text`, if any.

    `file_line` turns a line of the YAML into a line of the file. `story_follows` is true for a
    case's front-matter, where a missing closing '---' makes the story part of the YAML (its '#'
    headings even read as comments).
    """
    lines = text.split("\n")
    error_index = min(max(error_index, 0), len(lines) - 1)
    if story_follows:
        story = _story_start(lines, error_index)
        if story is not None:
            last = max((i for i in range(story) if lines[i].strip()), default=0)
            return Cause(story, "the front-matter is never closed: this line looks like the start of the story",
                         f"add a line with just '---' after the last field (line {file_line(last)}), before "
                         "the story")
    # Mistakes that are never valid at the start of a line: the first one is where to start.
    for index in range(error_index + 1):
        cause = _at_start(lines[index], index)
        if cause is not None:
            return cause
    if cause := _indentation(lines, error_index):
        return cause
    for index in range(error_index, -1, -1):
        if _OPEN_QUOTE_RE.match(lines[index]) and index < error_index:
            return Cause(index, "a double quote opened on this line is never closed",
                         "add the closing \" at the end of the text, or remove the opening one")
    for index in range(error_index, max(error_index - LOOK_BACK, -1), -1):
        cause = _on_line(lines[index], index)
        if cause is not None:
            return cause
    return None


_FIELD_WITH_VALUE_RE = re.compile(r"\A([ \t]*+)(?:-[ \t]++)?[\w-]++:[ \t]++\S")
_FIELD_OPENING_RE = re.compile(r"\A([ \t]*+)(?:-[ \t]++)?([\w-]++):[ \t]*+\Z")
_FIELD_RE = re.compile(r"\A([ \t]*+)[\w-]++:(?:[ \t]|\Z)")
#: A list item that starts with a field ('  - text: ...'): its indent, and the field's name.
_ITEM_FIELD_RE = re.compile(r"\A([ \t]*+)-[ \t]++([\w-]++):")


def _indentation(lines: list[str], error_index: int) -> Cause | None:
    """A field indented further than the one above it, a field of a list item lined up with its '-'
    instead of its first field, or a list's text not indented under its name."""
    for index in range(error_index, max(error_index - LOOK_BACK, 0), -1):
        line = lines[index]
        above = next((i for i in range(index - 1, -1, -1) if lines[i].strip()), None)
        if above is None:
            continue
        mine, previous = _FIELD_RE.match(line), _FIELD_WITH_VALUE_RE.match(lines[above])
        item = _ITEM_FIELD_RE.match(lines[above])
        if mine and item and len(mine.group(1)) == len(item.group(1)):
            name = line.strip().split(":", 1)[0]
            return Cause(index, f"{quote(name + ':')} is lined up with the '-' above it, not with "
                                f"{quote(item.group(2) + ':')}, so it does not belong to that item",
                         f"indent it by {len(item.group(0)) - len(item.group(1)) - len(item.group(2)) - 1} more "
                         f"spaces, so that {quote(name + ':')} starts right under {quote(item.group(2) + ':')}")
        if mine and previous and len(mine.group(1)) > len(previous.group(1)) + (2 if "- " in lines[above] else 0):
            first = lines[above].split("- ", 1)[1].split(":", 1)[0].strip() if "- " in lines[above] else ""
            return Cause(index, "this field is indented further than the field above it",
                         "line up the start of this line with the field above it"
                         + (f" (with '{first}:')" if first else ""))
        opening = _FIELD_OPENING_RE.match(lines[above])
        if opening and line.strip() and len(line) - len(line.lstrip()) <= len(opening.group(1)) \
                and not _FIELD_RE.match(line) and not line.lstrip().startswith(("-", "#")):
            return Cause(index, f"this text is not indented under {quote(opening.group(2) + ':')}",
                         f"indent it and start it with '- ', as in '  - {line.strip()[:30]}'" if opening.group(2)
                         in ("do_differently", "what_worked", "organisations", "services", "themes", "partners")
                         else f"put it on the same line: '{opening.group(2)}: {line.strip()[:30]}'")
    return None


def has_odd_space(text: str) -> bool:
    """Whether `text` starts with a space YAML does not count as indentation."""
    return bool(_ODD_SPACE_RE.match(text))


def _at_start(line: str, index: int) -> Cause | None:
    if re.match(r"[ ]*+-[ ]*+\t", line):
        return Cause(index, "there is a tab after the '-' that starts this list item",
                     "delete it and type one ordinary space: tabs cannot be seen in GitHub's editor")
    if _TAB_INDENT_RE.match(line):
        return Cause(index, "this line is indented with a tab",
                     "indent with spaces only: tabs cannot be seen in GitHub's editor, so delete the space at "
                     "the start of the line and type spaces")
    if _ODD_SPACE_RE.match(line):
        return Cause(index, "this line is indented with a special space (often pasted from a word processor)",
                     "delete the space at the start of the line and type ordinary spaces")
    if match := DASH_BULLET_RE.match(line):
        return Cause(index, f"this list item starts with {quote(match.group(1))}, not a plain '-'", DASH_HINT)
    if _DASH_NO_SPACE_RE.match(line):
        return Cause(index, "there is no space after the '-' that starts this list item",
                     "put a space after the '-', as in '- item'")
    return None


def _on_line(line: str, index: int) -> Cause | None:
    if match := _CURLY_RE.match(line):
        return Cause(index, f"the text starts with a curly quote ({match.group(1)}), which YAML does not read as "
                            "a quote",
                     "use straight quotes, as in: title: \"Pilot: year one\" (word processors and phones type "
                     "curly ones)")
    if match := _APOSTROPHE_RE.match(line):
        word = re.search(r"\w++'\w++", line)
        found = f" in {quote(word.group(0))}" if word else ""
        return Cause(index, f"the apostrophe{found} ends the text in single quotes too early",
                     "put the text in double quotes instead, like \"The supplier's system\", or write the "
                     "apostrophe twice inside single quotes: 'The supplier''s system'")
    if match := _INNER_QUOTE_RE.match(line):
        inner = match.group(1).split('"')[0].strip()
        return Cause(index, f"the text is in double quotes and also contains double quotes (around {quote(inner)}), "
                            "which end it early",
                     "put the whole text in single quotes instead ('...'), or use ‘curly’ or “curly” quotes "
                     "inside it")
    if match := _QUOTE_THEN_TEXT_RE.match(line):
        mark = match.group(1)
        other = "'" if mark == '"' else '"'
        value = line[match.start(1):].strip()
        shown = other + (value if len(value) <= 40 else value[:39] + "…") + other
        return Cause(index, f"the text starts with a quoted phrase, so YAML reads only up to its closing {mark}",
                     f"put the whole text in {'single' if other == chr(39) else 'double'} quotes, as in {shown}, "
                     "or start the text with another word")
    if match := _NO_SPACE_RE.match(line):
        key, value = match.groups()
        return Cause(index, f"there is no space after the colon in {quote(key + ':' + value)}",
                     f"put a space after '{key}:'")
    if match := _missing_colon().match(line):
        return Cause(index, f"the colon after {quote(match.group(1))} is missing",
                     f"write '{match.group(1)}: ...', with a colon and a space")
    return None


@functools.cache
def _missing_colon() -> re.Pattern[str]:
    """A known field name, a space and a value, without the colon: 'status stopped', '- what It broke'."""
    from .model import Case, Setback  # here, not at the top: the model's modules import the loader

    names = "|".join(sorted({*Case.model_fields, *Setback.model_fields}, key=len, reverse=True))
    return re.compile(rf"{_ITEM}({names})[ \t]++(?=[^\s:])")


def _story_start(lines: list[str], error_index: int) -> int | None:
    """The first line at or above the error that is a heading or prose after a blank line, not a field."""
    for index in range(1, error_index + 1):
        line = lines[index]
        if not line.strip() or lines[index - 1].strip():
            continue
        if _HEADING_RE.match(line):
            return index
        if not line[0].isspace() and not line.startswith(("-", "#")) and not _KEY_RE.match(line) \
                and len(line.split()) >= 3:
            return index
    return None
