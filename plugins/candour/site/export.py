"""Open data and feeds: cases.json, cases.csv, the Atom feed and the JSON Schema file.

Each function takes the published cases and their absolute page URLs and returns text, so
any site engine can write it wherever it likes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..core.model import SCHEMA_VERSION, Case, case_schema, month_start
from ..core.vocabulary import Vocabulary

#: Newest entries kept in the feed: readers poll it, so it stays small whatever the size of the casebook.
FEED_ENTRIES = 50
ATOM = "http://www.w3.org/2005/Atom"
CSV_COLUMNS = (
    "slug", "url", "title", "summary", "status", "started", "ended", "published", "reviewed", "place", "region",
    "services", "themes", "partners", "attribution", "organisations", "described_as", "network", "setbacks",
    "do_differently", "what_worked", "updates", "sources", "contributors", "illustrative",
)
# Characters XML 1.0 cannot hold at all: one of them in one case would make the whole feed unreadable.
# The validator rejects them in cases; the feed drops any that reach it all the same.
_NOT_XML_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]++")
# A spreadsheet runs a cell that starts with one of these as a formula: case text is untrusted.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Published:
    slug: str
    url: str  # absolute
    case: Case


def case_record(item: Published) -> dict[str, Any]:
    """Every front-matter field of a published case, plus its slug and page URL."""
    data = item.case.model_dump(mode="json", exclude={"draft"})
    if item.case.attribution == "anonymised":
        data.pop("contributors", None)
        data.pop("organisations", None)
    return {"slug": item.slug, "url": item.url, **data}


def cases_json(items: Sequence[Published], vocabulary: Vocabulary | None = None) -> str:
    """The open data: one case to a line (readable, and a change to one case is a change to one line), each
    line made by the JSON library's C encoder (an indented document is written by its slower Python one).
    `labels` gives the label readers see for each term of the vocabulary, so an index shows them too."""
    records = ",\n".join(json.dumps(case_record(i), ensure_ascii=False, separators=(",", ":")) for i in items)
    labels = vocabulary.terms if vocabulary is not None else {}
    head = json.dumps({"schema_version": SCHEMA_VERSION, "count": len(items), "labels": labels},
                      ensure_ascii=False)[:-1]
    return f'{head}, "cases": [\n{records}\n]}}\n' if items else f'{head}, "cases": []}}\n'


def _cell(value: Any) -> str:
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = " | ".join(_flat(v) for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        if "what" in value:
            return str(value["what"])
        if "text" in value:  # a lesson with themes
            return str(value["text"])
        if "note" in value:
            return f"{value['date']}: {value['note']}"
        if "url" in value:
            return f"{value['title']} <{value['url']}>"
        if "role" in value:
            return f"{value['name']} ({value['role']})"
    return str(value)


def cases_csv(items: Sequence[Published]) -> str:
    """One row per case; lists joined with ' | '; setbacks by their 'what'."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        record = case_record(item)
        writer.writerow([_cell(record.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


def _timestamp(value: str | dt.date) -> str:
    date = value if isinstance(value, dt.date) else month_start(value)
    return f"{date.isoformat()}T00:00:00Z"


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot hold."""
    return _NOT_XML_RE.sub("", text)


def update_id(url: str, date: str, note: str) -> str:
    """A journal entry's feed id: the same for as long as its date and note stay the same.

    Not its place in the list, which changes when an earlier entry is added, so feed readers
    would show the later ones again as new.
    """
    digest = hashlib.sha256(f"{date}\n{note}".encode()).hexdigest()[:12]
    return f"{url}#update-{date}-{digest}"


def atom_feed(items: Sequence[Published], site_url: str, site_name: str, path: str = "feed.xml",
              page: str = "", title: str | None = None) -> str:
    """An Atom feed of new cases and new journal entries, newest first, with absolute links.

    `path` is where the feed is on the site and `page` the page it follows ('' for the whole casebook,
    'themes/funding/' for one theme's cases); both are relative to `site_url`. `title` defaults to the
    site's name.
    """
    entries: list[tuple[str, str, str, str, str]] = []  # (updated, id, title, link, summary)
    for item in items:
        case = item.case
        entries.append((_timestamp(case.published), item.url, case.title, item.url, case.summary))
        for update in case.updates:
            entries.append((_timestamp(update.date), update_id(item.url, update.date, update.note),
                            f"Update: {case.title}", f"{item.url}#journey", update.note))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    entries = entries[:FEED_ENTRIES]

    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = xml_text(title or site_name)
    ET.SubElement(feed, f"{{{ATOM}}}id").text = site_url + page
    ET.SubElement(feed, f"{{{ATOM}}}link", href=site_url + path, rel="self", type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", href=site_url + page, rel="alternate", type="text/html")
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = entries[0][0] if entries else "1970-01-01T00:00:00Z"
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = xml_text(site_name)
    for updated, entry_id, title, link, summary in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = xml_text(title)
        ET.SubElement(entry, f"{{{ATOM}}}id").text = xml_text(entry_id)
        ET.SubElement(entry, f"{{{ATOM}}}link", href=link, rel="alternate", type="text/html")
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = updated
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = xml_text(summary)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def schema_json(vocabulary: Vocabulary) -> str:
    return json.dumps(case_schema(vocabulary), indent=2, ensure_ascii=False) + "\n"
