"""The case schema: the single source of truth for types, the JSON Schema and the field reference.

The model checks what a type can say (text, lists, dates, vocabulary terms, allowed keys).
Candour's own rules (placeholders, denials, word counts, cross-field conditions) live in
`rules.py`, which runs even when some fields here fail, so one run reports every problem.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    Tag,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from .names import did_you_mean
from .problems import quote
from .vocabulary import Vocabulary

SCHEMA_VERSION = 1
Status = Literal["planned", "in-progress", "paused", "completed", "stopped"]
Attribution = Literal["named", "anonymised"]
STATUSES: tuple[str, ...] = get_args(Status)
#: What readers see for each status.
STATUS_LABELS = {"planned": "Planned", "in-progress": "In progress", "paused": "Paused", "completed": "Completed",
                 "stopped": "Stopped"}
#: Work still going on: it is 'since' its start, and goes stale without updates. (Tuples, not sets: the
#: status of an unchecked case may be any YAML value, a list included.)
ONGOING = ("in-progress", "paused")
#: Work that is over, so it has an end date; work not yet started or under way cannot have one.
FINISHED, NOT_ENDED = ("completed", "stopped"), ("planned", "in-progress")
ATTRIBUTIONS: tuple[str, ...] = get_args(Attribution)
def month_start(value: str) -> dt.date:
    """The date a partial date ('2024-03') or full date ('2024-03-15') stands for, for sorting and feeds."""
    return dt.date.fromisoformat(value if len(value) == 10 else value + "-01")
_PARTIAL_DATE_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def candour_error(message: str, hint: str = "", code: str = "C014") -> PydanticCustomError:
    """A validation error whose message, hint and code (see `codes.py`) reach the contributor unchanged."""
    # The template is only "{message}": user text inside `message` is never treated as a template.
    return PydanticCustomError("candour", "{message}", {"message": message, "hint": hint, "code": code})


_MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for name in names}
_DMY_RE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YMD_RE = re.compile(r"(\d{4})[/.](\d{1,2})(?:[/.](\d{1,2}))?|(\d{4})-(\d)(?:-(\d{1,2}))?|(\d{4})-(\d{2})-(\d)")
_MY_RE = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_WORDS_RE = re.compile(r"(?:(\d{1,2})(?:st|nd|rd|th)?[ \t]++)?([A-Za-z]{3,9})\.?,?[ \t]++(\d{4})")


def suggest_date(value: object) -> str | None:
    """The ISO form of a date written another way ('01/04/2023' -> '2023-04-01', 'April 2023' -> '2023-04').

    Numbers with slashes are read day first, as in the UK.
    """
    if not isinstance(value, str) or len(value) > 40:
        return None
    text = value.strip()
    year = month = day = None
    if m := _DMY_RE.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _YMD_RE.fullmatch(text):
        parts = [int(g) if g else None for g in m.groups()]
        year, month, day = next(parts[i:i + 3] for i in (0, 3, 6) if parts[i] is not None)
    elif m := _MY_RE.fullmatch(text):
        month, year = int(m.group(1)), int(m.group(2))
    elif (m := _WORDS_RE.fullmatch(text)) and m.group(2).lower() in _MONTHS:
        day = int(m.group(1)) if m.group(1) else None
        month, year = _MONTHS[m.group(2).lower()], int(m.group(3))
    if year is None or month is None:
        return None
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def _date_hint(value: object, usual: str) -> str:
    suggestion = suggest_date(value)
    return f"did you mean {suggestion}? Dates are written year first" if suggestion else usual


def _not_datetime(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise candour_error("a date cannot have a time", "write just the date, like 2024-03-15")
    return value


def _partial_date(value: Any) -> str:
    value = _not_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and 1900 <= value <= 2200:
        raise candour_error("the month is missing", f"write it as {value}-01 (YYYY-MM) or a full date YYYY-MM-DD")
    if not isinstance(value, str) or not (m := _PARTIAL_DATE_RE.match(value.strip())):
        raise candour_error(f"{quote(value)} is not a date",
                            _date_hint(value, "write it as YYYY-MM, like 2024-03, or YYYY-MM-DD"))
    year, month, day = m.groups()
    try:
        dt.date(int(year), int(month), int(day or 1))
    except ValueError:
        raise candour_error(f"{quote(value)} is not a real date", "check the month (01-12) and the day") from None
    return value.strip()


def _full_date(value: Any) -> dt.date:
    value = _not_datetime(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise candour_error(f"{quote(value)} is not a full date",
                        _date_hint(value, "write it as YYYY-MM-DD, like 2024-03-15"))


def _http_url(value: str) -> str:
    try:
        parts = urlsplit(value.strip())
        well_formed = parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and "\\" not in value
    except ValueError:
        well_formed = False
    if not well_formed:
        raise candour_error(f"{quote(value)} is not a web address", "use a full link starting with https://",
                            code="C016")
    return value.strip()


def _term(kind: str) -> Any:
    """A validator that checks a value against one vocabulary, given as validation context."""

    def check(value: str, info: ValidationInfo) -> str:
        vocabulary = (info.context or {}).get("vocabulary")
        if isinstance(vocabulary, Vocabulary) and (kind, value) not in vocabulary:
            allowed = vocabulary.allowed(kind)
            suggestion = did_you_mean(value, allowed)
            hint = f"{suggestion} " if suggestion else ""
            raise candour_error(f"{quote(value)} is not one of the {kind}",
                                f"{hint}allowed: {', '.join(allowed)}".strip(), code="C013")
        return value

    return check


Text = Annotated[str, Field(min_length=1)]
PartialDate = Annotated[
    str,
    BeforeValidator(_partial_date),
    Field(json_schema_extra={"pattern": _PARTIAL_DATE_RE.pattern, "examples": ["2024-03", "2024-03-15"]}),
]
FullDate = Annotated[dt.date, BeforeValidator(_full_date)]
Url = Annotated[str, AfterValidator(_http_url), Field(json_schema_extra={"format": "uri", "pattern": "^https?://"})]
Region = Annotated[str, AfterValidator(_term("regions")), Field(json_schema_extra={"x-vocabulary": "regions"})]
Service = Annotated[str, AfterValidator(_term("services")), Field(json_schema_extra={"x-vocabulary": "services"})]
Theme = Annotated[str, AfterValidator(_term("themes")), Field(json_schema_extra={"x-vocabulary": "themes"})]
Partner = Annotated[str, AfterValidator(_term("partners")), Field(json_schema_extra={"x-vocabulary": "partners"})]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Setback(_Strict):
    """One thing that went wrong."""

    what: Text = Field(description="What went wrong, in a sentence or more.")
    why: Text | None = Field(None, description="Why it happened, as far as the team knows.")
    impact: Text | None = Field(None, description="What it cost: time, money, people, trust.")
    response: Text | None = Field(None, description="What the team did about it.")
    themes: list[Theme] = Field(default_factory=list,
                                description="Themes of this setback, if they differ from the case's.")


class Lesson(_Strict):
    """A lesson with the themes it is about, when they are not simply the case's own."""

    text: Text = Field(description="What the team would do differently, and why.")
    themes: list[Theme] = Field(default_factory=list, description="The themes this lesson is about.")


#: How a lesson is written: plain text, or 'text:' with its 'themes:'. Errors name the field, never the form.
LESSON_FORMS = ("plain", "with-themes")
LessonItem = Annotated[
    Annotated[Text, Tag("plain")] | Annotated[Lesson, Tag("with-themes")],
    Discriminator(lambda value: "with-themes" if isinstance(value, (dict, Lesson)) else "plain"),
]


def lesson_text(item: str | Lesson) -> str:
    return item.text if isinstance(item, Lesson) else item


def lesson_themes(item: str | Lesson) -> list[str]:
    return list(item.themes) if isinstance(item, Lesson) else []


class Update(_Strict):
    """One entry of the journal kept while the work goes on."""

    date: PartialDate = Field(description="When: YYYY-MM-DD, or YYYY-MM.")
    note: Text = Field(description="What happened: progress, a setback, a change of plan.")


class Contributor(_Strict):
    name: Text = Field(description="The person's name.")
    role: Text = Field(description="Their role in the work, e.g. 'Programme manager'.")


class SourceLink(_Strict):
    title: Text = Field(description="What the link is, e.g. 'Evaluation report'.")
    url: Url = Field(description="A full web address starting with http:// or https://.")


class Waiver(_Strict):
    """A judgement rule a case sets aside for one field, with the reason, for reviewers to agree."""

    rule: Text = Field(description="The code in the message, e.g. C102. Only C101 to C109 can be waived.")
    field: Text = Field(description="The field as the message names it, e.g. setbacks[0].what; 'story' for the "
                                    "text below the front-matter.")
    reason: Text = Field(description="Why the text is honest though the rule says otherwise, in a sentence.")


class Case(_Strict):
    """The front-matter of one case file."""

    title: Annotated[str, Field(min_length=10, max_length=150)] = Field(
        description="The case's title: what was tried, and where (10 to 150 characters).")
    summary: Text = Field(description="Plain text, 20 to 120 words: what was tried and how it went.")
    status: Status = Field(
        description="Where the work is now.")
    started: PartialDate = Field(description="When the work started: YYYY-MM or YYYY-MM-DD.")
    ended: PartialDate | None = Field(
        None, description="When it ended. Required when completed or stopped; not allowed when planned or in progress.",
        json_schema_extra={"x-required-when": "status is completed or stopped"})
    published: FullDate = Field(description="When this case was first published: YYYY-MM-DD.")
    place: Text = Field(description="Where, in words, e.g. 'Greater Essex'.")
    region: Region = Field(description="The region, from the regions vocabulary.")
    services: list[Service] = Field(min_length=1, description="The services involved, at least one.")
    themes: list[Theme] = Field(min_length=1, description="What the case is about, at least one theme.")
    attribution: Attribution = Field(
        description="'named' to name the organisations, 'anonymised' to describe them instead.")
    organisations: list[Text] | None = Field(
        None, description="The organisations involved. Required when named; not allowed when anonymised.",
        json_schema_extra={"x-required-when": "attribution is named"})
    described_as: Text | None = Field(
        None, description="Required when anonymised: who did the work, without naming them, "
                          "e.g. 'A district council in the East of England'.",
        json_schema_extra={"x-required-when": "attribution is anonymised"})
    setbacks: list[Setback] = Field(min_length=1, description="What went wrong: at least one setback.")
    do_differently: list[LessonItem] = Field(
        min_length=1, description="What the team would do differently next time: at least one item. An item "
                                  "is text, or 'text:' with 'themes:' when the lesson is about themes of its own.")
    partners: list[Partner] = Field(
        default_factory=list, description="Kinds of partner involved, from the partners vocabulary.")
    what_worked: list[Text] = Field(default_factory=list, description="What worked.")
    updates: list[Update] = Field(default_factory=list, description="A dated journal of progress and setbacks.")
    reviewed: FullDate | None = Field(None, description="When the case was last checked as still accurate: YYYY-MM-DD.")
    contributors: list[Contributor] = Field(
        default_factory=list, description="Who wrote the case (name and role). Not allowed when anonymised.")
    sources: list[SourceLink] = Field(default_factory=list, description="Links to reports and evidence.")
    network: Text | None = Field(None, description="The peer network the case was shared through.")
    illustrative: StrictBool = Field(
        False, description="true for a fictional example case: its page says so.")
    draft: StrictBool = Field(False, description="true to check the case without publishing it.")
    waivers: list[Waiver] = Field(
        default_factory=list, description="Rules set aside for one field each, with a reason: see the rules "
                                          "reference. Reviewers read every one.")


FIELDS: tuple[str, ...] = tuple(Case.model_fields)
REQUIRED: tuple[str, ...] = tuple(name for name, f in Case.model_fields.items() if f.is_required())


def case_schema(vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """The JSON Schema of the front-matter, with the vocabulary's terms as enums."""
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://candour.invalid/schema/case-v{SCHEMA_VERSION}.schema.json"

    def fill(node: Any) -> None:
        if isinstance(node, dict):
            kind = node.get("x-vocabulary")
            if kind and vocabulary is not None:
                node["enum"] = vocabulary.allowed(kind)
            for value in node.values():
                fill(value)
        elif isinstance(node, list):
            for value in node:
                fill(value)

    fill(schema)
    return schema


def last_updated(case: Case) -> dt.date:
    """The latest of: first published, last reviewed, the newest journal entry."""
    dates = [case.published, *([case.reviewed] if case.reviewed else [])]
    return max(dates + [month_start(u.date) for u in case.updates])
