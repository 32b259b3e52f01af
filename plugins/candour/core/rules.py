"""Candour's rules beyond types: real setbacks, real lessons, consistent fields.

Each rule reads the raw front-matter and looks only at values of the right type, so the rules
run even when the model rejects other fields, and one run reports every problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import body, judgement, plain_text, privacy
from .loader import Source
from .model import FIELDS, FINISHED, NOT_ENDED, REQUIRED, _partial_date  # the same date parsing as the model
from .options import MIN_WORDS as MIN_WORDS
from .options import Options as Options
from .problems import Path, Problem, format_path, quote

SUMMARY_WORDS = (20, 120)

_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

# A line of the story that starts with a placeholder, as `candour new` writes ('TODO: the story...'),
# after any Markdown heading, list or quote marker. A placeholder named inside a sentence is a story.
_STORY_PLACEHOLDER_RE = re.compile(
    r"\A[ \t]*+(?:[#>*+-]++[ \t]*+|\d{1,9}+[.)][ \t]*+)*+(?:(?-i:TODO|TBC|TBD|TBA|FIXME|XXX)\b|lorem ipsum"
    r"|\[\s*+(?:insert|add|your|describe|write|enter)\b[^\[\]]*+\])", re.IGNORECASE)
# A marker left anywhere in a line, as `candour import` leaves for a link it could not keep.
_STORY_MARKER_RE = re.compile(r"\[(?:TODO|TBC|FIXME)\b[^\[\]\n]{0,400}+\]")

# Where free text lives in a case, as (field, sub-field) pairs; None means the value itself.
_TEXT_FIELDS: tuple[tuple[str, tuple[str, ...] | None, bool], ...] = (
    # (field, sub-fields of each item or None for a plain value, is a list)
    ("title", None, False),
    ("summary", None, False),
    ("place", None, False),
    ("described_as", None, False),
    ("network", None, False),
    ("organisations", None, True),
    ("do_differently", ("text",), True),  # an item is text, or 'text:' with its 'themes:'
    ("what_worked", None, True),
    ("setbacks", ("what", "why", "impact", "response"), True),
    ("updates", ("note",), True),
    ("contributors", ("name", "role"), True),
    ("sources", ("title",), True),
    ("waivers", ("reason",), True),
)


#: Lists whose items are text, or fields with the text in 'text'.
_TEXT_OR_FIELDS = frozenset({"do_differently"})


def count_words(text: str) -> int:
    return len(_WORD_RE.findall(text))


def text_values(data: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    """Every free-text value in the front-matter with its path; values of the wrong type are skipped."""
    for name, subfields, is_list in _TEXT_FIELDS:
        value = data.get(name)
        items: list[tuple[Path, Any]] = (
            [((name, i), item) for i, item in enumerate(value)] if is_list and isinstance(value, list)
            else [] if is_list else [((name,), value)]
        )
        for path, item in items:
            if isinstance(item, str) and (subfields is None or name in _TEXT_OR_FIELDS):
                yield path, item
            elif subfields is not None and isinstance(item, dict):
                for sub in subfields:
                    if isinstance(item.get(sub), str):
                        yield (*path, sub), item[sub]


def check(source: Source, data: dict[str, Any], options: Options) -> list[Problem]:
    """All Candour rules for one case's raw front-matter."""
    problems: list[Problem] = []
    problems += _check_text(source, data, options)
    problems += _check_dates(source, data)
    problems += _check_attribution(source, data)
    problems += _check_duplicates(source, data)
    problems += _check_body(source)
    problems += check_privacy(source, data, options)
    return problems


def _check_body(source: Source) -> Iterator[Problem]:
    control = plain_text.control_character(source.body)
    if control is not None:
        yield Problem(source.file, _body_line(source, control.start()), (),
                      f"the text contains an invisible control character (U+{ord(control.group(0)):04X})",
                      "delete it: it is often pasted in from another program, and it breaks the site's feed",
                      code="C402")
    found = 0
    for index, line in enumerate(source.body.split("\n")):
        marker = _STORY_PLACEHOLDER_RE.match(line) or _STORY_MARKER_RE.search(line)
        if found < 10 and marker:  # ten are enough to say what to do
            found += 1
            shown = line.strip() if marker.re is _STORY_PLACEHOLDER_RE else marker.group(0)
            yield Problem(source.file, source.body_line + index, (),
                          f"the story still has a placeholder ({quote(shown)})",
                          "write this part of the story in your own words, or delete the line", code="C106")
    for index, line in _fields_in_story(source.body):
        yield Problem(source.file, source.body_line + index, (),
                      f"this line looks like a field ({quote(line.split(':')[0] + ':')}), but it is below the '---' "
                      f"that ends the front-matter (line {source.body_line - 1}), so it would be published as text",
                      "move the '---' below the last field; if the line is meant as text, start it another way",
                      code="C002")
    for finding in body.check(source.body):
        yield Problem(source.file, source.body_line + finding.line - 1, (), finding.message, finding.hint,
                      "error" if finding.blocking else "warning", "C402")


_FIELD_LINE_RE = re.compile(rf"(?:{'|'.join(sorted(FIELDS, key=len, reverse=True))}):(?:[ \t]|\Z)")


def _fields_in_story(story: str) -> Iterator[tuple[int, str]]:
    """Lines at the top of the story that are fields: the front-matter was closed too early."""
    for index, line in enumerate(story.split("\n")[:200]):
        if _FIELD_LINE_RE.match(line):
            yield index, line
        elif line.strip() and not line[0].isspace() and not line.startswith("- "):
            return  # the story proper has begun


def _body_line(source: Source, offset: int) -> int:
    return source.body_line + source.body.count("\n", 0, offset)


def check_privacy(source: Source, data: dict[str, Any], options: Options) -> Iterator[Problem]:
    attribution = data.get("attribution")
    if attribution == "anonymised":
        # Every text and every web address, in the front-matter and in the body.
        sources = data.get("sources")
        urls = [(("sources", i, "url"), item["url"])
                for i, item in enumerate(sources if isinstance(sources, list) else [])
                if isinstance(item, dict) and isinstance(item.get("url"), str)]
        for path, text in [*text_values(data), *urls]:
            for leak in privacy.find_leaks(text, options.organisations):
                yield source.problem(path, f"an anonymised case must not contain {leak.kind} ({quote(leak.found)})",
                                     "remove it, or describe it without identifying anyone", code="C301")
        seen = set()
        for leak in privacy.find_leaks(source.body, options.organisations):
            seen.add((leak.kind, leak.found))
            yield Problem(source.file, source.body_line + leak.line, (),
                          f"an anonymised case must not contain {leak.kind} ({quote(leak.found)})",
                          "remove it, or describe it without identifying anyone", code="C301")
        # The same again on the text as readers see it, where markup no longer splits a detail.
        for line, text in body.reader_text(source.body):
            for leak in privacy.find_leaks(text, options.organisations):
                if (leak.kind, leak.found) not in seen:
                    seen.add((leak.kind, leak.found))
                    yield Problem(source.file, source.body_line + line - 1, (),
                                  f"an anonymised case must not contain {leak.kind} ({quote(leak.found)})",
                                  "remove it, or describe it without identifying anyone: the formatting in "
                                  "between does not hide it from readers", code="C301")
    elif attribution == "named":
        found = [(source.line_of(path), path, leak) for path, text in text_values(data)
                 for leak in privacy.find_personal_contacts(text)]
        found += [(source.body_line + leak.line, (), leak) for leak in privacy.find_personal_contacts(source.body)]
        for line, path, leak in found:
            yield Problem(source.file, line, path, f"this case publishes {leak.kind} ({quote(leak.found)})",
                          "check that the person agreed to it being public, or use a shared team address",
                          "warning", "C303")


def _check_text(source: Source, data: dict[str, Any], options: Options) -> Iterator[Problem]:
    for path, text in text_values(data):
        if not text.strip():
            continue  # empty: the model says so ('is empty'), which is clearer than calling it a placeholder
        issue = plain_text.plain_text_issue(text)
        if issue is not None:
            yield source.problem(path, *issue, code="C401")
            continue
        field = path[0]
        is_setback = field == "setbacks" and path[-1] == "what"
        is_lesson = field == "do_differently"
        verdict = judgement.placeholder_verdict(text, removable=not required(path), waivable=not waiver_refused(path))
        if verdict is None and is_setback:
            verdict = judgement.judge_setback(text)
        elif verdict is None and is_lesson:
            verdict = judgement.judge_lesson(text)
        if verdict is not None:
            yield source.problem(path, verdict.message, verdict.hint, code=verdict.code)
        elif (is_setback or is_lesson) and (words := count_words(text)) < options.min_words:
            what = "setback" if is_setback else "lesson"
            yield source.problem(path, f"this {what} has {words} word{'s' * (words != 1)}; "
                                       f"it needs at least {options.min_words}",
                                 "say what happened and why it mattered, in a full sentence"
                                 if is_setback else "say what you would do and why, in a full sentence",
                                 code="C104")
        elif field == "summary":
            words = count_words(text)
            low, high = SUMMARY_WORDS
            if not low <= words <= high:
                yield source.problem(path, f"the summary has {words} words; it needs {low} to {high}",
                                     "say in a few sentences what was tried, where, and how it went"
                                     if words < low else "shorten it: the full story goes in the text below",
                                     code="C105")


def waiver_refused(path: Path) -> bool:
    """A placeholder (C101) in a required field of the case itself can never be waived."""
    return len(path) == 1 and required(path)


def required(path: Path) -> bool:
    """Whether the field at `path` must be there, so that advice to remove it would be wrong."""
    if len(path) == 1:
        return str(path[0]) in REQUIRED
    # An item of a required list, or a required part of an entry (a setback's 'what', an update's 'note').
    return path[0] in ("setbacks", "do_differently") if len(path) == 2 else path[-1] in ("what", "note", "name",
                                                                                         "role", "title", "url", "text")


def _check_dates(source: Source, data: dict[str, Any]) -> Iterator[Problem]:
    status = data.get("status")
    has_ended = data.get("ended") is not None
    if status in FINISHED and not has_ended:
        yield source.problem(("ended",), f"a {status} case needs 'ended'",
                             "add 'ended: YYYY-MM', the month the work ended", line=source.line_of(("status",)),
                             code="C201")
    elif status in NOT_ENDED and "ended" in data:
        yield source.problem(("ended",), f"a case that is {status.replace('-', ' ')} cannot have ended",
                             "remove 'ended', or change 'status' to completed, stopped or paused", code="C201")
    started, ended = _date_or_none(data.get("started")), _date_or_none(data.get("ended"))
    if started and ended:
        common = min(len(started), len(ended))
        if ended[:common] < started[:common]:
            yield source.problem(("ended",), f"'ended' ({ended}) is before 'started' ({started})",
                                 "check both dates", code="C201")


def _date_or_none(value: Any) -> str | None:
    try:
        return _partial_date(value) if value is not None else None
    except Exception:  # the model reports the bad date itself
        return None


def _check_attribution(source: Source, data: dict[str, Any]) -> Iterator[Problem]:
    attribution = data.get("attribution")
    if attribution == "named":
        if "organisations" not in data:
            yield source.problem(("organisations",), "a named case needs 'organisations'",
                                 "list the organisations involved, or set 'attribution: anonymised' and add "
                                 "'described_as'", line=source.line_of(("attribution",)), code="C202")
    elif attribution == "anonymised":
        if "organisations" in data:
            yield source.problem(("organisations",), "an anonymised case must not name its organisations",
                                 "remove 'organisations' and describe them in 'described_as' instead", code="C202")
        if "described_as" not in data:
            yield source.problem(("described_as",), "an anonymised case needs 'described_as'",
                                 "describe who did the work without naming them, e.g. 'A district council in "
                                 "the East of England'", line=source.line_of(("attribution",)), code="C202")
        if data.get("contributors"):
            yield source.problem(("contributors",), "an anonymised case must not name its contributors",
                                 "remove 'contributors'", code="C202")


# Lists whose items must differ, with the key that makes two items "the same".
_UNIQUE_LISTS: dict[str, str | None] = {
    "services": None, "themes": None, "partners": None, "organisations": None,
    "do_differently": "text", "what_worked": None, "setbacks": "what", "updates": "note",
    "contributors": "name", "sources": "url",
}


def _same(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(_WORD_RE.findall(value.casefold())) or value.strip()


def _check_duplicates(source: Source, data: dict[str, Any]) -> Iterator[Problem]:
    lists: list[tuple[Path, Any, str | None]] = [((name,), data.get(name), key) for name, key in _UNIQUE_LISTS.items()]
    for name in ("setbacks", "do_differently"):
        if isinstance(data.get(name), list):
            lists += [((name, i, "themes"), item.get("themes"), None)
                      for i, item in enumerate(data[name]) if isinstance(item, dict)]
    for path, items, key in lists:
        if not isinstance(items, list):
            continue
        first: dict[str, int] = {}
        for index, item in enumerate(items):
            value = _same(item.get(key) if key and isinstance(item, dict) else item)
            if value is None:
                continue
            if value in first:
                yield source.problem((*path, index), f"this repeats {format_path((*path, first[value]))}",
                                     "remove the repeat, or merge the two", code="C203")
            else:
                first[value] = index
