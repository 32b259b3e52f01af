"""Privacy checks: an anonymised case must not give its authors away.

What they catch: email addresses, UK phone numbers, full UK postcodes, social-media handles and
profile links, and any organisation that another case on the site names. What they cannot catch:
a person's name, a job title that only one person holds, a distinctive local detail, a date that
pins down an event. Reviewers still read every anonymised case for those (see the contributing page).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

EMAIL_RE = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# +44 or 0, then 9 or 10 more digits with optional spaces, dashes or brackets: landlines and mobiles.
UK_PHONE_RE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?[\s-]?|\(?0)(?:\d[\s)-]?){8,9}\d(?!\d)")
UK_POSTCODE_RE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY])"
    r" ?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
HANDLE_RE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?\b(?!@)(?!\.[A-Za-z]{2,})")
SOCIAL_URL_RE = re.compile(
    r"\b(?:twitter|x|facebook|instagram|linkedin|tiktok|threads|bsky|mastodon\.social)\.(?:com|app|net)"
    r"/(?:in/)?@?[A-Za-z0-9_.-]+", re.IGNORECASE)
#: Shared, non-personal mailbox names: on named cases these are not worth a warning.
ROLE_MAILBOXES = frozenset({
    "info", "enquiries", "enquiry", "contact", "hello", "admin", "office", "team", "help", "support", "press",
    "media", "foi", "comms", "communications", "feedback", "general", "mail", "reception", "customerservices",
})


@dataclass(frozen=True)
class Leak:
    offset: int  # where in the text
    kind: str
    found: str


def find_leaks(text: str, organisations: re.Pattern[str] | None = None) -> Iterator[Leak]:
    """Everything in `text` that could identify an anonymised case's authors."""
    for match in EMAIL_RE.finditer(text):
        yield Leak(match.start(), "an email address", match.group(0))
    for match in UK_PHONE_RE.finditer(text):
        yield Leak(match.start(), "a phone number", match.group(0).strip())
    for match in UK_POSTCODE_RE.finditer(text):
        yield Leak(match.start(), "a full postcode", match.group(0))
    for match in HANDLE_RE.finditer(text):
        yield Leak(match.start(), "a social-media handle", match.group(0))
    for match in SOCIAL_URL_RE.finditer(text):
        yield Leak(match.start(), "a social-media profile", match.group(0))
    if organisations is not None:
        for match in organisations.finditer(text):
            yield Leak(match.start(), "the name of an organisation that another case names", match.group(0))


def find_personal_contacts(text: str) -> Iterator[Leak]:
    """Personal email addresses and phone numbers, for a warning on named cases."""
    for match in EMAIL_RE.finditer(text):
        if match.group(0).split("@")[0].lower() not in ROLE_MAILBOXES:
            yield Leak(match.start(), "a personal email address", match.group(0))
    for match in UK_PHONE_RE.finditer(text):
        yield Leak(match.start(), "a phone number", match.group(0).strip())


def organisations_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any of the names, whole words, ignoring case; None if there are none.

    Names shorter than four characters are left out: they match ordinary words too often.
    """
    unique = sorted({" ".join(n.split()) for n in names if len(n.strip()) >= 4}, key=len, reverse=True)
    if not unique:
        return None
    body = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in unique)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
