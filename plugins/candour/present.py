"""Data for the page templates: labels resolved, dates in words. No HTML here; that is the templates' job."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from typing import Any

from . import html_policy
from .model import Case
from .vocabulary import Vocabulary

STATUS_LABELS = {
    "planned": "Planned",
    "in-progress": "In progress",
    "paused": "Paused",
    "completed": "Completed",
    "stopped": "Stopped",
}


def month_year(value: str) -> str:
    """'2024-03' or '2024-03-15' -> 'March 2024'."""
    year, month = value.split("-")[:2]
    return f"{calendar.month_name[int(month)]} {year}"


def long_date(value: dt.date | str) -> str:
    """A full date in words, '15 March 2024'; a partial one as 'March 2024'."""
    if isinstance(value, str):
        if len(value) == 7:
            return month_year(value)
        value = dt.date.fromisoformat(value)
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"


def period(case: Case) -> str:
    start = month_year(case.started)
    if case.ended:
        return f"{start} to {month_year(case.ended)}"
    return f"Since {start}" if case.status in ("in-progress", "paused") else f"From {start}"


def _term(vocabulary: Vocabulary, kind: str, term: str) -> dict[str, str]:
    label = vocabulary.label(kind, term)
    return {"term": term, "label": label, "facet": html_policy.search_facet(label)}


def _terms(vocabulary: Vocabulary, kind: str, terms: list[str]) -> list[dict[str, str]]:
    return [_term(vocabulary, kind, t) for t in terms]


def last_updated(case: Case) -> dt.date:
    """The latest of: first published, last reviewed, the newest journal entry."""
    dates = [case.published, *([case.reviewed] if case.reviewed else [])]
    dates += [dt.date.fromisoformat(u.date if len(u.date) == 10 else u.date + "-01") for u in case.updates]
    return max(dates)


def listing_view(case: Case | None, url: str, vocabulary: Vocabulary) -> dict[str, Any]:
    """What a list of cases shows for one case."""
    assert case is not None
    updated = last_updated(case)
    return {
        "updated": updated.isoformat(),
        "updated_label": long_date(updated),
        "url": url,
        "title": case.title,
        "summary": case.summary,
        "status": case.status,
        "status_label": STATUS_LABELS[case.status],
        "region": _term(vocabulary, "regions", case.region),
        "services": _terms(vocabulary, "services", case.services),
        "themes": _terms(vocabulary, "themes", case.themes),
        "partners": _terms(vocabulary, "partners", case.partners),
        "published": case.published.isoformat(),
        "published_label": long_date(case.published),
    }


def case_view(case: Case | None, vocabulary: Vocabulary) -> dict[str, Any]:
    """Everything a case page shows above and below its body."""
    assert case is not None
    view = listing_view(case, "", vocabulary)
    view.update({
        "period": period(case),
        "place": case.place,
        "attribution": case.attribution,
        "who": case.organisations if case.attribution == "named" else None,
        "described_as": case.described_as,
        "network": case.network,
        "reviewed": case.reviewed.isoformat() if case.reviewed else None,
        "reviewed_label": long_date(case.reviewed) if case.reviewed else None,
        "illustrative": case.illustrative,
        "do_differently": case.do_differently,
        "setbacks": [
            {
                "what": s.what, "why": s.why, "impact": s.impact, "response": s.response,
                "themes": _terms(vocabulary, "themes", s.themes),
            }
            for s in case.setbacks
        ],
        "what_worked": case.what_worked,
        "updates": [{"date": u.date, "date_label": long_date(u.date), "note": u.note}
                    for u in sorted(case.updates, key=lambda u: u.date, reverse=True)],
        "sources": [{"title": s.title, "url": s.url} for s in case.sources],
        "contributors": ([] if case.attribution == "anonymised"
                         else [{"name": p.name, "role": p.role} for p in case.contributors]),
    })
    return view


def case_sections(case: Case) -> dict[str, list[tuple[str, str]]]:
    """The (anchor, title) of the sections the case template adds before and after the story."""
    before = [("do-differently", "What we'd do differently"), ("setbacks", "Setbacks")]
    if case.what_worked:
        before.append(("what-worked", "What worked"))
    after = []
    if case.updates:
        after.append(("journey", "The journey so far"))
    if case.sources:
        after.append(("sources", "Sources"))
    if case.contributors and case.attribution == "named":
        after.append(("contributors", "Contributors"))
    return {"before": before, "after": after}


#: The listing pages, by URL folder: (vocabulary kind, case field, heading).
TAXONOMIES = {
    "themes": ("themes", "themes", "Themes"),
    "services": ("services", "services", "Services"),
    "regions": ("regions", "region", "Regions"),
}


def lessons_for_theme(entries: list[tuple[Case, str]], theme: str) -> dict[str, list[dict[str, Any]]]:
    """Every setback and lesson on one theme, each with its case's title and URL.

    A setback is on a theme when it or its case names the theme; a lesson, when its case does.
    """
    setbacks: list[dict[str, Any]] = []
    lessons: list[dict[str, Any]] = []
    for case, url in entries:
        on_case = theme in case.themes
        source = {"case_title": case.title, "case_url": url}
        for index, s in enumerate(case.setbacks):
            if on_case or theme in s.themes:
                setbacks.append({**source, "what": s.what, "why": s.why, "impact": s.impact,
                                 "response": s.response, "anchor": f"setback-{index + 1}"})
        if on_case:
            lessons += [{**source, "text": item} for item in case.do_differently]
    return {"setbacks": setbacks, "lessons": lessons}


def on_theme(case: Case, theme: str) -> bool:
    """A case belongs on a theme's page when it, or one of its setbacks, names the theme."""
    return theme in case.themes or any(theme in s.themes for s in case.setbacks)


def filter_index(listing: list[dict[str, Any]], vocabulary: Vocabulary) -> str:
    """The compact JSON the filters on /cases/ load: every case, with terms by number, labels once."""
    kinds = {"region": "regions", "services": "services", "themes": "themes", "partners": "partners"}
    terms = {key: vocabulary.allowed(kind) for key, kind in kinds.items()}
    position = {key: {t: i for i, t in enumerate(values)} for key, values in terms.items()}
    rows = []
    for view in listing:
        rows.append([
            view["title"], view["url"], view["summary"], view["status"],
            position["region"][view["region"]["term"]],
            [position["services"][v["term"]] for v in view["services"]],
            [position["themes"][v["term"]] for v in view["themes"]],
            [position["partners"][v["term"]] for v in view["partners"]],
            view["updated"], view["updated_label"] if view["updated"] != view["published"] else "",
            view["published"], view["published_label"],
        ])
    labels = {key: [vocabulary.label(kind, t) for t in terms[key]] for key, kind in kinds.items()}
    return json.dumps({"terms": terms, "labels": labels, "statuses": STATUS_LABELS, "cases": rows},
                      ensure_ascii=False, separators=(",", ":"))


#: The filters on /cases/: (URL parameter, field of a listing view, label).
FACETS = (
    ("region", "region", "Region"),
    ("service", "services", "Service"),
    ("theme", "themes", "Theme"),
    ("partner", "partners", "Partner"),
    ("status", "status", "Status"),
)


def facets(listing: list[dict[str, Any]], vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """The filter options for a list of cases: each value that occurs, with how many cases have it."""
    out = []
    for param, key, label in FACETS:
        counts: dict[str, int] = {}
        labels: dict[str, str] = {}
        for view in listing:
            value = view[key]
            values = [value] if not isinstance(value, list) else value
            for v in values:
                term, text = (v["term"], v["label"]) if isinstance(v, dict) else (v, STATUS_LABELS.get(v, v))
                counts[term] = counts.get(term, 0) + 1
                labels[term] = text
        if key == "status":
            order = [s for s in STATUS_LABELS if s in counts]
        else:
            kind = {"region": "regions"}.get(key, key)
            order = [t for t in vocabulary.allowed(kind) if t in counts]
        out.append({"param": param, "label": label,
                    "options": [{"value": t, "label": labels[t], "count": counts[t]} for t in order]})
    return out


def case_template_block(template: str, download: str) -> str:
    """The Contribute page's blank case: a code block (the theme adds a copy button) and a download link."""
    return (f"[Download the blank case]({download}){{: download=\"new-case.md\" }}, or copy it (the button at the "
            "top right of the box copies it all), and save it in the `cases` folder as `your-case-name.md`:\n\n"
            f"````markdown\n{template.rstrip()}\n````\n")


def private_route(contact: str | None) -> str:
    """The Contribute page's words for sending a case privately, to the address the casebook set."""
    if not contact:
        return ("This casebook has not set up a private address yet. You can still share an anonymised case with "
                "the form, from a GitHub account that does not identify you (a new free account is enough).")
    # Validated by the plugin's options (an email address or an https:// address): no Markdown in it.
    target = contact if contact.startswith(("https://", "mailto:")) else f"mailto:{contact}"
    shown = contact.removeprefix("mailto:")
    return (f"Write to [{shown}]({target}) with your answers to the questions in the form, or ask for a call. "
            "A maintainer writes the case up with you and shows you the draft; your name and organisation "
            "are never published for an anonymised case.")


def field_reference(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per front-matter field, from the JSON Schema (itself made from the model)."""
    definitions = schema.get("$defs", {})
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema["properties"].items():
        rows.append({
            "name": name,
            "required": "yes" if name in required else (f"when {prop['x-required-when']}"
                                                        if "x-required-when" in prop else "no"),
            "type": _type_of(prop, definitions),
            "allowed": _allowed(prop),
            "description": prop.get("description", ""),
            "parts": _parts(prop, definitions),
        })
    return rows


def _resolve(prop: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    chosen = options[0] if options else prop
    ref = chosen.get("$ref")
    return dict(definitions[ref.split("/")[-1]]) if ref else chosen


def _type_of(prop: dict[str, Any], definitions: dict[str, Any]) -> str:
    node = _resolve(prop, definitions)
    kind = node.get("type")
    if kind == "array":
        item = _resolve(node.get("items", {}), definitions)
        inner = "entries" if item.get("type") == "object" else _type_of(node.get("items", {}), definitions)
        return "list of allowed values" if inner == "one of the allowed values" else f"list of {inner}"
    if kind == "object":
        return "entry"
    if kind == "boolean":
        return "true or false"
    if node.get("format") == "date":
        return "date YYYY-MM-DD"
    if "pattern" in node and "examples" in node:
        return "date YYYY-MM or YYYY-MM-DD"
    if "enum" in node or "const" in node:
        return "one of the allowed values"
    return "text"


def _allowed(prop: dict[str, Any]) -> list[str]:
    node = prop.get("items", prop) if prop.get("type") == "array" else prop
    for option in node.get("anyOf", [node]):
        if "enum" in option:
            return [str(v) for v in option["enum"]]
    return []


def _parts(prop: dict[str, Any], definitions: dict[str, Any]) -> list[dict[str, Any]]:
    node = _resolve(prop, definitions)
    item = _resolve(node.get("items", {}), definitions) if node.get("type") == "array" else node
    if item.get("type") != "object":
        return []
    required = set(item.get("required", []))
    return [{"name": n, "required": "yes" if n in required else "no", "type": _type_of(p, definitions),
             "allowed": _allowed(p), "description": p.get("description", "")}
            for n, p in item.get("properties", {}).items()]
