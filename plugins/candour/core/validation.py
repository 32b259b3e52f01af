"""Check one parsed case: the schema model, then Candour's rules, as located problems."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from . import rules, waivers, yaml_hints
from .loader import Source
from .model import LESSON_FORMS, STATUSES, Case, Lesson, Setback
from .names import did_you_mean
from .problems import Path, Problem, format_path, quote
from .vocabulary import Vocabulary

_LIST_HINT = "write one '- item' line per item, indented under the field name"
#: The code (see `codes.py`) of each kind of pydantic error; any other is a type error (C012).
_CODES_BY_KIND = {"missing": "C010", "extra_forbidden": "C011", "literal_error": "C013",
                  "too_short": "C015", "string_too_short": "C015", "string_too_long": "C015"}


def check_source(source: Source, vocabulary: Vocabulary, options: rules.Options) -> tuple[Case | None, list[Problem]]:
    """Validate a parsed case. Returns the case (None if it has errors) and every problem found."""
    data = source.front_matter
    if data is None:
        return None, list(source.problems)
    case: Case | None = None
    model_problems: list[Problem] = []
    try:
        case = Case.model_validate(data, context={"vocabulary": vocabulary})
    except ValidationError as exc:
        model_problems = [_from_pydantic(source, error, vocabulary) for error in exc.errors(include_url=False)]
    rule_problems = rules.check(source, data, options)
    # A rule that fires on a value says more than the model's length or type error on it.
    ruled = {p.path for p in [*rule_problems, *source.problems] if p.path}
    problems = [*source.problems, *(p for p in model_problems if p.path not in ruled), *rule_problems]
    problems = waivers.apply(source, data, problems, allowed=options.allow_waivers)
    problems.sort(key=lambda p: p.line)
    if any(p.severity == "error" for p in problems):
        case = None
    return case, problems


#: Fields whose items are terms of the vocabulary kind of the same name.
_VOCABULARY_LISTS = ("services", "themes", "partners")
_LIST_SEPARATOR_RE = re.compile(r"[,;/&]|\band\b", re.IGNORECASE)  # parts are stripped after


def _terms_in(text: str, vocabulary: Vocabulary, kind: str) -> list[str]:
    """The terms a list written as text names ('Funding, Digital systems and evaluation'), if it names
    only terms or labels of `kind`; else none."""
    by_name = {term: term for term in vocabulary.allowed(kind)}
    by_name |= {vocabulary.label(kind, term).casefold(): term for term in vocabulary.allowed(kind)}
    parts = [part.strip().casefold() for part in _LIST_SEPARATOR_RE.split(text[:500]) if part.strip()]
    terms = [by_name.get(part) or by_name.get(part.replace(" ", "-")) for part in parts]
    return [t for t in terms if t] if parts and all(terms) else []


def _model_at(path: Path) -> type[BaseModel] | None:
    """The model whose fields are allowed at `path`, for 'did you mean' on unknown keys."""
    if len(path) == 1:
        return Case
    if len(path) == 3 and path[0] in ("setbacks", "do_differently"):
        return Setback if path[0] == "setbacks" else Lesson
    field = Case.model_fields.get(str(path[0]))
    annotation: Any = field.annotation if field else None
    inner = getattr(annotation, "__args__", (None,))[0]
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def _misspelling_of(name: str, path: Path, source: Source) -> str:
    """If a key next to the missing one looks like a typo of it, say so: 'setback:' is not 'no setbacks'."""
    data = source.front_matter if len(path) == 1 else None
    siblings = [k for k in data or {} if isinstance(k, str) and k not in Case.model_fields]
    for key in siblings:
        if did_you_mean(key, [name]):
            return f"line {source.line_of((key,))} has '{key}:', which looks like a misspelling: rename it '{name}:'"
    return ""


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "reads as yes/no"
    if isinstance(value, (int, float)):
        return "reads as a number"
    if isinstance(value, list):
        return "is a list"
    if isinstance(value, dict):
        return "is a set of fields"
    if isinstance(value, str):
        return "is a piece of text"
    return "is something else"


def _from_pydantic(source: Source, error: Any, vocabulary: Vocabulary) -> Problem:
    path: Path = tuple(error["loc"])
    if len(path) > 2 and path[0] == "do_differently" and path[2] in LESSON_FORMS:
        path = path[:2] + path[3:]  # how the lesson was written is not a field
    kind: str = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = str(path[-1]) if path else ""
    message, hint = error["msg"], ""
    code = _CODES_BY_KIND.get(kind, "C012")

    if kind == "candour":
        message, hint, code = ctx["message"], ctx.get("hint", ""), ctx.get("code", "C014")
    elif kind == "missing":
        field = Case.model_fields.get(name) if len(path) == 1 else None
        message = f"the required field {quote(name)} is missing"
        description = (field.description or "").rstrip(".") if field else ""
        hint = f"add a line '{name}: ...'" + (f": {description[0].lower()}{description[1:]}" if description else "")
        misspelt = _misspelling_of(name, path, source)
        if misspelt:
            hint = misspelt
        elif name in ("setbacks", "do_differently"):
            hint = ("add 'setbacks:' with at least one '- what: ...' item saying what went wrong"
                    if name == "setbacks" else
                    "add 'do_differently:' with at least one '- ...' item saying what the team would change")
    elif kind == "extra_forbidden":
        model = _model_at(path)
        allowed = list(model.model_fields) if model else []
        message = f"{quote(name)} is not a field Candour knows"
        suggestion = did_you_mean(name, allowed)
        hint = suggestion or (f"allowed here: {', '.join(allowed)}" if allowed else "remove it")
        if name != name.lstrip() or yaml_hints.has_odd_space(name):
            message = f"{quote(name.strip())} is indented with a special space (often pasted from a word processor)"
            hint = "delete the space at the start of the line and type ordinary spaces"
        elif len(path) == 3 and path[0] == "setbacks" and " " in name.strip():
            message = "this setback has no 'what:', so its first sentence was read as a field name"
            hint = f"start it with 'what:', as in: - what: {name.strip()[:40]}"
        elif yaml_hints.DASH_BULLET_RE.match(name):
            message = f"this list item starts with {quote(name.strip()[0])}, not a plain '-'"
            hint = yaml_hints.DASH_HINT
        if len(path) == 1 and len(name.split()) >= 3 and not suggestion and source.body_line > 1:
            # Field names have no spaces: this is prose, and the story has run into the front-matter.
            return source.problem((), "the front-matter is never closed: this line looks like the start of the story",
                                  "add a line with just '---' after the last field, before the story",
                                  code="C002", line=source.line_of(path))
        return source.problem(path, message, hint, code=code)
    elif kind in ("string_type", "list_type", "bool_type", "model_type", "dict_type", "date_type"):
        want = {"string_type": "text", "list_type": "a list", "bool_type": "true or false",
                "model_type": "a set of fields", "dict_type": "a set of fields", "date_type": "a date"}[kind]
        if value is None:
            message = "is empty"
            needed = rules.required(path)
            hint = (("write the text after the colon" + ("" if needed else ", or remove the field"))
                    if want == "text" else "add at least one item as '- ...' lines under it" if want == "a list"
                    else "fill it in" + ("" if needed else ", or remove the field"))
        else:
            message = f"should be {want}, but it {_describe(value)}"
            hint = {"text": "put the text in quotes, like \"...\"" if isinstance(value, (bool, int, float))
                    else "write a single piece of text",
                    "a list": _LIST_HINT,
                    "true or false": "write true or false"}.get(want, "")
            dashed = next((k for k in value if isinstance(k, str)), "") if isinstance(value, dict) else value
            if want == "a list" and isinstance(dashed, str) and (dash := yaml_hints.DASH_BULLET_RE.match(dashed)):
                message = (f"should be a list, but its items start with {quote(dash.group(1))} instead of a plain "
                           "'-', so YAML does not read them as list items")
                hint = yaml_hints.DASH_HINT
            elif want == "a list" and isinstance(value, str) and name in _VOCABULARY_LISTS:
                message = f"should be a list of {name} from the vocabulary, but it is a piece of text"
                terms = _terms_in(value, vocabulary, name)
                hint = (f"write it as: {name}: [{', '.join(terms)}]" if terms else
                        f"write the terms in square brackets, separated by commas, like {name}: "
                        f"[{', '.join(vocabulary.allowed(name)[:2])}]; the field reference lists every term")
            elif want == "a list" and isinstance(value, str) and value.startswith("-"):
                message = "should be a list, but there is no space after the '-' that starts its first item"
                hint = "put a space after each '-', as in '- item', one item per line"
            elif want == "a set of fields" and path and path[0] == "setbacks":
                message = f"each setback needs fields, but this one {_describe(value)}"
                hint = "write it as '- what: ...', with optional 'why:', 'impact:' and 'response:' lines below"
            elif want == "a set of fields":
                hint = "write it as '- field: ...' lines; see the field reference"
    elif kind == "too_short" and isinstance(value, list):
        code = "C012"
        message = "needs at least one item"
        hint = _LIST_HINT
    elif kind == "string_too_short":
        message = (f"is {len(value)} characters; it needs at least {ctx.get('min_length')}"
                   if value.strip() else "is empty")
        hint = "write the text after the colon" if not value.strip() else "say a little more"
    elif kind == "string_too_long":
        message = f"is {len(value)} characters; it can be at most {ctx.get('max_length')}"
        hint = "shorten it"
    elif kind == "literal_error":
        allowed = list(STATUSES) if name == "status" else ["named", "anonymised"]
        message = f"{quote(value)} is not allowed"
        suggestion = did_you_mean(str(value), allowed)
        hint = (f"{suggestion} " if suggestion else "") + f"use one of: {', '.join(allowed)}"
    return source.problem(path, message, hint, code=code)


__all__ = ["check_source", "format_path"]
