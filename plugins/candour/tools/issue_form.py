"""A route for people who do not use git: a "Submit a case" issue form, and its conversion to a case.

The form is made from the case schema's choices and the vocabulary (`form_yaml`), so its dropdowns
cannot drift from what the validator accepts: a test compares the checked-in form with this one,
and `candour issue-form` writes it again after the vocabulary changes. When a maintainer labels a
submitted issue, a workflow turns its body into a draft case (`case_from_issue`), opens a draft pull
request with it, and comments the check's result on the issue.

The issue's body is a stranger's text. It reaches the case only as values: each is written as a
quoted YAML scalar by `authoring.render_case`, so no answer can add a field or end the front-matter,
and the story goes through the same checks as any case.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml

from ..core.casebook import RESERVED_SLUGS
from ..core.model import ATTRIBUTIONS, STATUS_LABELS, STATUSES
from ..core.names import slugify
from ..core.taxonomy import KINDS
from ..core.vocabulary import Vocabulary
from . import authoring

#: The label a maintainer gives a submitted issue to have it turned into a draft pull request.
LABEL = "case submission"
_NO_RESPONSE = "_No response_"
#: The form's questions: (id, label). The conversion finds each answer by its label, as GitHub writes it.
LABELS = {
    "title": "Title",
    "summary": "Summary",
    "status": "Where the work is now",
    "started": "When it started",
    "ended": "When it ended",
    "place": "Place",
    "region": "Region",
    "services": "Services",
    "themes": "Themes",
    "partners": "Kinds of organisation involved",
    "attribution": "Named or anonymised",
    "organisations": "Organisations",
    "described_as": "Who you are, without names",
    "setbacks": "What went wrong",
    "do_differently": "What you would do differently",
    "what_worked": "What worked",
    "story": "The story",
    "consent": "Permission",
}
_ATTRIBUTION_LABELS = {"named": "Named: we are happy to name our organisations",
                       "anonymised": "Anonymised: describe us without names"}
_SECTION_RE = re.compile(r"^###[ \t]++(.{1,200}+)$", re.MULTILINE)


def form_yaml(vocabulary: Vocabulary) -> str:
    """The issue form, as GitHub reads it from .github/ISSUE_TEMPLATE/submit-a-case.yml."""
    def dropdown(key: str, options: list[str], *, multiple: bool = False, required: bool = True,
                 description: str = "") -> dict[str, object]:
        attributes: dict[str, object] = {"label": LABELS[key], "options": options}
        if description:
            attributes["description"] = description
        if multiple:
            attributes["multiple"] = True
        return {"type": "dropdown", "id": key, "attributes": attributes, "validations": {"required": required}}

    def text(key: str, kind: str, description: str, *, required: bool = True) -> dict[str, object]:
        return {"type": kind, "id": key, "attributes": {"label": LABELS[key], "description": description},
                "validations": {"required": required}}

    labels = {kind: [vocabulary.label(kind, term) for term in vocabulary.allowed(kind)]
              for kind in KINDS}
    form = {
        "name": "Submit a case",
        "description": "Share a case without using git: a maintainer turns it into a draft for you to check.",
        "title": "Case: ",
        "labels": ["case proposal"],
        "body": [
            {"type": "markdown", "attributes": {"value": (
                "**This issue is public**, and it shows your GitHub account. For an **anonymised** case, use an "
                "account that does not identify you, or the private route on the site's Contribute page.\n\n"
                "A case says what went wrong and what you would do differently: that is the part the next team "
                "can use. Write in plain sentences; you do not need to know any format. A maintainer then turns "
                "your answers into a draft case, the check reads it, and what it finds is posted here for you "
                "to answer. If the check objects to something true, say so here: a person decides.")}},
            text("title", "input", "What was tried, and where (10 to 150 characters)."),
            text("summary", "textarea", "20 to 120 words: what was tried, where, and how it went."),
            dropdown("status", [STATUS_LABELS[s] for s in STATUSES]),
            text("started", "input", "The month, as 2024-03."),
            text("ended", "input", "The month, as 2025-01, if the work has ended.", required=False),
            text("place", "input", "The town, city or area, e.g. Greater Essex."),
            dropdown("region", labels["regions"]),
            dropdown("services", labels["services"], multiple=True),
            dropdown("themes", labels["themes"], multiple=True),
            dropdown("partners", labels["partners"], multiple=True, required=False),
            dropdown("attribution", [_ATTRIBUTION_LABELS[a] for a in ATTRIBUTIONS],
                     description="Anonymised cases: please use the private route instead (see above)."),
            text("organisations", "textarea", "One per line.", required=False),
            text("described_as", "input", "For an anonymised case, e.g. 'A district council in the East of "
                                          "England'.", required=False),
            text("setbacks", "textarea", "What went wrong, why, what it cost, what you did about it. One setback "
                                         "per paragraph, with a blank line between them."),
            text("do_differently", "textarea", "One thing per paragraph, each with the reason."),
            text("what_worked", "textarea", "One thing per paragraph.", required=False),
            text("story", "textarea", "The story in your own words, as long as you like.", required=False),
            {"type": "checkboxes", "id": "consent", "attributes": {"label": LABELS["consent"], "options": [
                {"label": "The people and organisations named here agreed to be named, and this can be published.",
                 "required": True}]}},
        ],
    }
    header = ("# Made by `candour issue-form` from the case schema and cases/vocabulary.yml: run it again after\n"
              "# changing the vocabulary (a test fails until the two agree).\n")
    return header + yaml.safe_dump(form, sort_keys=False, allow_unicode=True, width=100)


def answers(body: str) -> dict[str, str]:
    """The answers in an issue form's body, by question id; unanswered questions are left out."""
    by_label = {label: key for key, label in LABELS.items()}
    found: dict[str, str] = {}
    marks = list(_SECTION_RE.finditer(body))
    for index, mark in enumerate(marks):
        key = by_label.get(mark.group(1).strip())
        end = marks[index + 1].start() if index + 1 < len(marks) else len(body)
        value = body[mark.end():end].strip()
        if key and value and value != _NO_RESPONSE and key not in found:  # the form's own answer comes first
            found[key] = value
    return found


def _terms(value: str | None, vocabulary: Vocabulary, kind: str) -> list[str]:
    """The terms a dropdown answer names ('Housing, Mental health'). An answer that is not one of the choices
    (the body can be edited after it is sent) is kept as written, so that `validate` reports it."""
    if not value:
        return []
    by_label = {vocabulary.label(kind, term): term for term in vocabulary.allowed(kind)}
    found: list[str] = []
    for part in (p.strip() for p in value.split(",")):
        term = by_label.get(part, part)
        if part and term not in found:
            found.append(term)
    return found


class NotAForm(ValueError):
    """The issue was not written with the form: there is nothing to turn into a case."""


def _paragraphs(value: str | None) -> list[str]:
    if not value:
        return []
    return [" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", value) if p.strip()]


def case_from_issue(body: str, vocabulary: Vocabulary, today: dt.date | None = None) -> tuple[str, str]:
    """(slug, case file text) from a submitted issue's body. Unanswered fields become TODOs for `validate`."""
    got = answers(body)
    if not {"title", "setbacks", "do_differently"} & got.keys():
        raise NotAForm("this issue was not written with the 'Submit a case' form (none of its questions is "
                       "answered): ask the contributor to use the form, or write the case from it by hand")
    status = next((s for s, label in STATUS_LABELS.items() if label == got.get("status")), None)
    attribution = next((a for a, label in _ATTRIBUTION_LABELS.items() if label == got.get("attribution")), None)
    region = _terms(got.get("region"), vocabulary, "regions")
    one_line = {key: " ".join(got[key].split()) for key in ("title", "summary", "started", "ended", "place",
                                                              "described_as") if key in got}
    case = authoring.Answers(
        title=one_line.get("title"), summary=one_line.get("summary"), status=status,
        started=one_line.get("started"), ended=one_line.get("ended"), place=one_line.get("place"),
        region=region[0] if region else None, services=_terms(got.get("services"), vocabulary, "services"),
        themes=_terms(got.get("themes"), vocabulary, "themes"),
        partners=_terms(got.get("partners"), vocabulary, "partners"), attribution=attribution,
        organisations=[line.strip() for line in got.get("organisations", "").splitlines() if line.strip()],
        described_as=one_line.get("described_as"), setbacks=_paragraphs(got.get("setbacks")),
        do_differently=_paragraphs(got.get("do_differently")), what_worked=_paragraphs(got.get("what_worked")),
        body=got.get("story", ""))
    slug = slugify(case.title or "submitted-case")
    if slug in RESERVED_SLUGS:
        slug += "-case"
    return slug, authoring.render_case(case, vocabulary, today)
