"""Typed views for the templates: labels resolved, dates in words. No HTML here; that is the templates' job."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from typing import Any, TypedDict

from ..core import plain_text
from ..core.model import ONGOING, STATUS_LABELS, Case, last_updated, lesson_text, lesson_themes
from ..core.network import PeerCase
from ..core.taxonomy import BY_FIELD, BY_KIND
from ..core.vocabulary import Vocabulary


class TermView(TypedDict):
    term: str
    label: str
    facet: str  # the label as a search-filter value


class CaseSummary(TypedDict):
    """What a list of cases shows for one case."""

    url: str
    title: str
    summary: str
    status: str
    status_label: str
    region: TermView
    services: list[TermView]
    themes: list[TermView]
    partners: list[TermView]
    published: str
    published_label: str
    updated: str
    updated_label: str
    illustrative: bool
    home: str | None  # the network another network's case is from (its card links there); None for our own
    fetched: str | None  # for another network's case, when this casebook last fetched it, in words


class SetbackView(TypedDict):
    what: str
    why: str | None
    impact: str | None
    response: str | None
    themes: list[TermView]


class UpdateView(TypedDict):
    date: str
    date_label: str
    note: str


class SourceView(TypedDict):
    title: str
    url: str


class ContributorView(TypedDict):
    name: str
    role: str


class LessonItemView(TypedDict):
    text: str
    themes: list[TermView]  # the lesson's own themes; empty when it has none of its own


class CaseView(CaseSummary):
    """Everything a case page shows above and below its story."""

    period: str
    place: str
    attribution: str
    who: list[str] | None  # the organisations, for a named case only
    described_as: str | None
    network: str | None
    reviewed: str | None
    reviewed_label: str | None
    do_differently: list[LessonItemView]
    setbacks: list[SetbackView]
    what_worked: list[str]
    updates: list[UpdateView]
    sources: list[SourceView]
    contributors: list[ContributorView]  # never for an anonymised case


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
    return f"Since {start}" if case.status in ONGOING else f"From {start}"


def term_view(vocabulary: Vocabulary, kind: str, term: str) -> TermView:
    label = vocabulary.label(kind, term)
    return {"term": term, "label": label, "facet": plain_text.search_facet(label)}


def _terms(vocabulary: Vocabulary, kind: str, terms: list[str]) -> list[TermView]:
    return [term_view(vocabulary, kind, t) for t in terms]


def case_summary(case: Case, url: str, vocabulary: Vocabulary) -> CaseSummary:
    """What a list of cases shows for one case."""
    updated = last_updated(case)
    return {
        "updated": updated.isoformat(),
        "updated_label": long_date(updated),
        "url": url,
        "title": case.title,
        "summary": case.summary,
        "status": case.status,
        "status_label": STATUS_LABELS[case.status],
        "region": term_view(vocabulary, "regions", case.region),
        "services": _terms(vocabulary, "services", case.services),
        "themes": _terms(vocabulary, "themes", BY_KIND["themes"].terms_of(case)),
        "partners": _terms(vocabulary, "partners", case.partners),
        "published": case.published.isoformat(),
        "published_label": long_date(case.published),
        "illustrative": case.illustrative,
        "home": None,
        "fetched": None,
    }


def peer_summary(peer_case: PeerCase, vocabulary: Vocabulary) -> CaseSummary:
    """A card for another network's case: its summary, linking to its page on its home site."""
    try:
        fetched: str | None = long_date(peer_case.fetched)
    except ValueError:  # a snapshot without a good date
        fetched = None
    return {**case_summary(peer_case.case, peer_case.url, vocabulary), "home": peer_case.home.name,
            "fetched": fetched}


def case_view(case: Case, vocabulary: Vocabulary) -> CaseView:
    """Everything a case page shows above and below its story."""
    return {
        **case_summary(case, "", vocabulary),
        "period": period(case),
        "place": case.place,
        "attribution": case.attribution,
        "who": case.organisations if case.attribution == "named" else None,
        "described_as": case.described_as,
        "network": case.network,
        "reviewed": case.reviewed.isoformat() if case.reviewed else None,
        "reviewed_label": long_date(case.reviewed) if case.reviewed else None,
        "do_differently": [{"text": lesson_text(item), "themes": _terms(vocabulary, "themes", lesson_themes(item))}
                           for item in case.do_differently],
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
    }


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


class LessonView(TypedDict):
    text: str
    case_title: str
    case_url: str
    network: str | None  # for another network's case, its name


class SetbackInLibrary(TypedDict):
    """A setback on a theme's page, with the case it is from."""

    what: str
    why: str | None
    impact: str | None
    response: str | None
    anchor: str
    case_title: str
    case_url: str
    network: str | None


class ThemeLibrary(TypedDict):
    """A theme's setbacks and lessons: those on the theme, and, apart, the rest of the same cases'."""

    setbacks: list[SetbackInLibrary]
    lessons: list[LessonView]
    other_setbacks: list[SetbackInLibrary]
    other_lessons: list[LessonView]


def about(own: list[str], case: Case, theme: str) -> str | None:
    """Where a setback or lesson goes on `theme`'s page: 'on' when it names the theme, or names none and
    the theme is its case's only one; 'maybe' when it names none and its case is on several themes
    (it may be about any of them); None when it names other themes (it is not about this one)."""
    if own:
        return "on" if theme in own else None
    return "on" if case.themes == [theme] else "maybe" if theme in case.themes else None


def lessons_for_theme(entries: list[tuple[Case, str, str | None]], theme: str) -> ThemeLibrary:
    """The setbacks and lessons of these cases (each with its URL, and its network when it is another's)
    about `theme`, each with its case's title and URL, and apart, those that name no theme of their own in
    a case on several themes."""
    library: ThemeLibrary = {"setbacks": [], "lessons": [], "other_setbacks": [], "other_lessons": []}
    for case, url, network in entries:
        for index, s in enumerate(case.setbacks):
            if where := about(s.themes, case, theme):
                library["setbacks" if where == "on" else "other_setbacks"].append({
                    "case_title": case.title, "case_url": url, "what": s.what, "why": s.why,
                    "impact": s.impact, "response": s.response, "anchor": f"setback-{index + 1}",
                    "network": network})
        for item in case.do_differently:
            if where := about(lesson_themes(item), case, theme):
                library["lessons" if where == "on" else "other_lessons"].append(
                    {"case_title": case.title, "case_url": url, "text": lesson_text(item), "network": network})
    return library


#: The filters on /cases/, in order: the taxonomies by their case field, then status.
FACET_FIELDS = ("region", "services", "themes", "partners")


def filter_index(listing: list[CaseSummary], vocabulary: Vocabulary, networks: list[str] | None = None) -> str:
    """The compact JSON the filters on /cases/ load: every case, with terms by number, labels once. With
    `networks` (this casebook's name first, then its peers'), each row ends with its network's number."""
    terms = {key: vocabulary.allowed(_kind(key)) for key in FACET_FIELDS}
    position = {key: {t: i for i, t in enumerate(values)} for key, values in terms.items()}
    rows = []
    for view in listing:
        row: list[Any] = [view["title"], view["url"], view["summary"], view["status"]]
        for key in FACET_FIELDS:
            numbers = [position[key][v["term"]] for v in _values(view, key)]
            row.append(numbers[0] if isinstance(view[key], dict) else numbers)  # type: ignore[literal-required]
        rows.append([*row, view["updated"], view["updated_label"] if view["updated"] != view["published"] else "",
                     view["published"], view["published_label"], int(view["illustrative"])])
        if networks:
            rows[-1] += [networks.index(view["home"]) if view["home"] in networks else 0, view["fetched"] or ""]
    labels: dict[str, list[str]] = {key: [vocabulary.label(_kind(key), t) for t in terms[key]]
                                    for key in FACET_FIELDS}
    if networks:
        terms["networks"] = labels["networks"] = list(networks)
    return json.dumps({"terms": terms, "labels": labels, "statuses": STATUS_LABELS, "cases": rows},
                      ensure_ascii=False, separators=(",", ":"))


def _kind(case_field: str) -> str:
    return BY_FIELD[case_field].kind


def _values(view: CaseSummary, case_field: str) -> list[TermView]:
    value: TermView | list[TermView] = view[case_field]  # type: ignore[literal-required]
    return [value] if isinstance(value, dict) else value


def search_orders(vocabulary: Vocabulary) -> dict[str, list[str]]:
    """For each search filter, its values (as the search index holds them) in the order /cases/ lists them."""
    orders = {BY_FIELD[key].param: [plain_text.search_facet(vocabulary.label(_kind(key), term))
                                    for term in vocabulary.allowed(_kind(key))] for key in FACET_FIELDS}
    return {**orders, "status": list(STATUS_LABELS.values())}


class FacetOption(TypedDict):
    value: str
    label: str
    count: int


class Facet(TypedDict):
    param: str
    label: str
    options: list[FacetOption]


def facets(listing: list[CaseSummary], vocabulary: Vocabulary, networks: list[str] | None = None) -> list[Facet]:
    """The filter options for a list of cases: each value that occurs, with how many cases have it; with
    `networks` (this casebook's name first), a filter by network too."""
    out: list[Facet] = []
    for key in FACET_FIELDS:
        taxonomy = BY_KIND[_kind(key)]
        counts: dict[str, int] = {}
        for view in listing:
            for v in _values(view, key):
                counts[v["term"]] = counts.get(v["term"], 0) + 1
        out.append({"param": taxonomy.param, "label": taxonomy.label, "options": [
            {"value": t, "label": vocabulary.label(taxonomy.kind, t), "count": counts[t]}
            for t in vocabulary.allowed(taxonomy.kind) if t in counts]})
    statuses: dict[str, int] = {}
    for view in listing:
        statuses[view["status"]] = statuses.get(view["status"], 0) + 1
    out.append({"param": "status", "label": "Status", "options": [
        {"value": s, "label": label, "count": statuses[s]} for s, label in STATUS_LABELS.items() if s in statuses]})
    if networks:
        by_network: dict[str, int] = {}
        for view in listing:
            name = view["home"] or networks[0]
            by_network[name] = by_network.get(name, 0) + 1
        out.insert(0, {"param": "network", "label": "Network", "options": [
            {"value": name, "label": name, "count": by_network[name]} for name in networks if name in by_network]})
    return out


def case_template_block(template: str, download: str) -> str:
    """The Contribute page's blank case: a code block (the theme adds a copy button) and a download link."""
    return (f"[Download the blank case]({download}){{: download=\"new-case.md\" }}, or copy it (the button at the "
            "top right of the box copies it all), and save it in the `cases` folder as `your-case-name.md`:\n\n"
            f"````markdown\n{template.rstrip()}\n````\n")


def repository(repo_url: str | None) -> str:
    """'the project's GitHub page', linked when mkdocs.yml says where it is."""
    return f"[the project's GitHub page]({repo_url})" if repo_url else "the project's GitHub page"


def contact(address: str | None, repo_url: str | None = None) -> str:
    """How to reach the casebook's maintainers: its private address, else its public issues."""
    if not address and repo_url:
        return f"Open an issue on [the casebook's GitHub page]({repo_url.rstrip('/')}/issues)."
    if not address:
        return "Ask the network that runs this casebook: it has not published an address for this yet."
    # Validated by the plugin's options (an email address or an https:// address): no Markdown in it.
    target = address if address.startswith(("https://", "mailto:")) else f"mailto:{address}"
    return f"Write to [{address.removeprefix('mailto:')}]({target})."


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


def _resolve(prop: dict[str, Any], definitions: dict[str, Any], *, entry: bool = False) -> dict[str, Any]:
    """The schema a property stands for: its one non-null form, or (with `entry`) the form that is an entry."""
    options = [p for p in prop.get("anyOf", prop.get("oneOf", [prop])) if p.get("type") != "null"]
    if entry:
        options = [p for p in options if "$ref" in p or p.get("type") == "object"] or options
    chosen = options[0] if options else prop
    ref = chosen.get("$ref")
    return dict(definitions[ref.split("/")[-1]]) if ref else chosen


def _type_of(prop: dict[str, Any], definitions: dict[str, Any]) -> str:
    node = _resolve(prop, definitions)
    kind = node.get("type")
    if kind == "array":
        items = node.get("items", {})
        if "oneOf" in items:  # a lesson: text, or an entry with its themes
            return "list of text or entries"
        item = _resolve(items, definitions)
        inner = "entries" if item.get("type") == "object" else _type_of(items, definitions)
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
    item = _resolve(node.get("items", {}), definitions, entry=True) if node.get("type") == "array" else node
    if item.get("type") != "object":
        return []
    required = set(item.get("required", []))
    return [{"name": n, "required": "yes" if n in required else "no", "type": _type_of(p, definitions),
             "allowed": _allowed(p), "description": p.get("description", "")}
            for n, p in item.get("properties", {}).items()]
