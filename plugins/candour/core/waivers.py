"""Waivers: the way through, in the open, for honest text a judgement rule still turns away.

A case lists them in its front-matter, so each is in the pull request's diff:

    waivers:
      - rule: C102
        field: setbacks[0].what
        reason: The first sentence quotes the supplier; the second says what went wrong.

Only the judgement rules (C1xx, `codes.WAIVABLE`) can be waived: never a required field, the HTML
policy or the privacy checks. A waived problem is not an error; it is reported as "waived", with its
reason, counted in the summary and listed in the pull request's check summary for reviewers. A
waiver that matches nothing is a warning, so waivers do not outlive the text they were for. A
casebook can forbid waivers (`waivers: false` in the plugin's options).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from . import codes, judgement, rules
from .loader import Source
from .names import did_you_mean
from .problems import Path, Problem, format_path, quote

#: What a waiver's 'field' calls the text below the front-matter.
STORY = "story"
#: Fewest words in a reason: enough for a reviewer to judge it.
MIN_REASON_WORDS = 5

_PATH_PART_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,40}+)|\[(\d{1,4}+)\]")


def parse_field(text: str) -> Path | None:
    """'setbacks[0].what' -> ('setbacks', 0, 'what'); 'story' -> (); None if it is not a field path."""
    text = text.strip()
    if text.lower() in (STORY, "body", "text"):
        return ()
    path: list[str | int] = []
    position = 0
    while position < len(text):
        dotted = bool(path) and text[position] == "."
        position += dotted
        match = _PATH_PART_RE.match(text, position)
        if match is None:
            return None
        is_name = match.group(1) is not None
        if (is_name and path and not dotted) or (not is_name and (not path or dotted)):
            return None  # 'a[0]b', '[0]', 'a.[0]': not how a message names a field
        path.append(match.group(1) if match.group(1) else int(match.group(2)))
        position = match.end()
    return tuple(path) or None


_MISSING = object()


def _value(data: dict[str, Any], path: Path, missing: Any = None) -> Any:
    """The value at `path` in the front-matter, or `missing` when there is none."""
    node: Any = data
    for part in path:
        found = (isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node)) or \
            (isinstance(part, str) and isinstance(node, dict) and part in node)
        if not found:
            return missing
        node = node[part]
    return node


def _same_words(a: str, b: str) -> bool:
    return re.findall(r"\w+", a.casefold()) == re.findall(r"\w+", b.casefold())


def _exists(data: dict[str, Any], path: Path) -> bool:
    return _value(data, path, _MISSING) is not _MISSING


def apply(source: Source, data: dict[str, Any], problems: list[Problem], *, allowed: bool) -> list[Problem]:
    """`problems` with the waived ones marked, and a problem for every waiver that cannot be used."""
    items = data.get("waivers")
    if not isinstance(items, list) or not items:
        return problems
    result = list(problems)
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(items):
        where: Path = ("waivers", index)
        if not isinstance(item, dict):
            continue  # the model reports the type
        if not allowed:
            result.append(source.problem(where, "waivers are switched off for this casebook",
                                         "remove the waiver and change the text; the maintainers chose that no "
                                         "rule can be waived", code="C901"))
            continue
        rule, field, reason = item.get("rule"), item.get("field"), item.get("reason")
        if not (isinstance(rule, str) and isinstance(field, str) and isinstance(reason, str)):
            continue  # the model reports missing or mistyped parts
        found = _unusable(rule, field, reason, data)
        if found is not None:
            result.append(source.problem((*where, found[0]), found[1], found[2], code="C901"))
            continue
        path = parse_field(field)
        code = rule.strip().upper()
        key = (code, format_path(path or ()))
        if key in seen:
            result.append(source.problem(where, f"this waiver repeats waivers[{seen[key]}]", "remove one of them",
                                         code="C901", severity="warning"))
            continue
        seen[key] = index
        matched = [i for i, p in enumerate(result) if p.code == code and p.path == path and p.severity == "error"]
        if not matched:
            shown = STORY if path == () else format_path(path or ())
            other = sorted({p.code for p in result if p.path == path and p.code in codes.WAIVABLE
                            and p.severity == "error"})
            inside = sorted({p.field for p in result if p.code == code and p.severity == "error" and path
                             and p.path[:len(path)] == path and p.path != path})
            hint = (f"the rule that applies there is {' and '.join(other)}: name it instead" if other
                    else f"{code} applies to {' and '.join(inside)}: name that field instead" if inside
                    else "remove the waiver")
            result.append(source.problem(where, f"this waiver is not needed: {code} does not apply to {shown}",
                                         hint, code="C901", severity="warning"))
            continue
        for i in matched:
            result[i] = replace(result[i], severity="waived", hint=f"waived: {reason.strip()}")
    return result


def _unusable(rule: str, field: str, reason: str, data: dict[str, Any]) -> tuple[str, str, str] | None:
    """(part, message, hint) when a waiver cannot be used, None when it can."""
    code = rule.strip().upper()
    if code not in codes.CODES:
        suggestion = did_you_mean(code, sorted(codes.WAIVABLE))
        return ("rule", f"{quote(rule)} is not a rule code",
                f"{suggestion + ' ' if suggestion else ''}use the code shown in the message, like C102")
    if code not in codes.WAIVABLE:
        return ("rule", f"{code} cannot be waived",
                "required fields, the HTML policy and the privacy checks always apply; only "
                f"{', '.join(sorted(codes.WAIVABLE))} can be waived")
    path = parse_field(field)
    if code == "C101" and path is not None and rules.waiver_refused(path):
        return ("rule", f"C101 cannot be waived for {format_path(path)}",
                "a required field needs its real text: a placeholder there is never honest")
    if path is None or path[:1] == ("waivers",) or (path and not _exists(data, path)):
        return ("field", f"this case has no field {quote(field)}",
                f"name the field as the message does, like setbacks[0].what, or '{STORY}' for the text below "
                "the front-matter")
    text = _value(data, path or ())
    if len(reason.split()) < MIN_REASON_WORDS or judgement.weak_reason(reason) or \
            (isinstance(text, str) and _same_words(reason, text)):
        return ("reason", "the reason does not say why the text is honest",
                "say in a sentence, here, why the rule is wrong for this text, so that reviewers can agree: not a "
                "placeholder, a pointer elsewhere, a promise, or the text itself again")
    return None
