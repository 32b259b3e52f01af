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


_NAME_WORD_RE = re.compile(r"\w+")
_DIGIT_RE = re.compile(r"\d")


class OrganisationNames:
    """Finds any of many organisation names in a text, whole words, ignoring case and spacing.

    A name is matched word by word from a table keyed by its first word, so the cost grows with
    the length of the text, not with the number of names (one regex of thousands of alternatives
    took most of the validator's time at 1,000 cases).
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for name in names:
            words = tuple(w.casefold() for w in _NAME_WORD_RE.findall(name))
            if words and len(" ".join(words)) >= 4 and words not in self.by_first.get(words[0], []):
                self.by_first.setdefault(words[0], []).append(words)
        for candidates in self.by_first.values():
            candidates.sort(key=len, reverse=True)  # the longest name wins

    def __bool__(self) -> bool:
        return bool(self.by_first)

    def finditer(self, text: str) -> Iterator[tuple[int, str]]:
        lowered = text.lower()
        if len(lowered) != len(text):  # rare letters whose lower case is longer: match the slow, exact way
            tokens = [(m.group(0).casefold(), m.start(), m.end()) for m in _NAME_WORD_RE.finditer(text)]
        else:
            if self.by_first.keys().isdisjoint(_NAME_WORD_RE.findall(lowered)):
                return
            tokens = [(m.group(0), m.start(), m.end()) for m in _NAME_WORD_RE.finditer(lowered)]
        index = 0
        while index < len(tokens):
            step = 1
            for name in self.by_first.get(tokens[index][0], ()):
                end = index + len(name)
                if end <= len(tokens) and all(tokens[index + k][0] == w for k, w in enumerate(name)) and all(
                        text[tokens[k][2]:tokens[k + 1][1]].isspace() for k in range(index, end - 1)):
                    yield tokens[index][1], text[tokens[index][1]:tokens[end - 1][2]]
                    step = len(name)
                    break
            index += step


def find_leaks(text: str, organisations: OrganisationNames | None = None) -> Iterator[Leak]:
    """Everything in `text` that could identify an anonymised case's authors."""
    # Each pattern needs a character most prose lacks: checking for it first keeps long texts cheap.
    has_at, has_digit = "@" in text, _DIGIT_RE.search(text) is not None
    if has_at:
        for match in EMAIL_RE.finditer(text):
            yield Leak(match.start(), "an email address", match.group(0))
        for match in HANDLE_RE.finditer(text):
            yield Leak(match.start(), "a social-media handle", match.group(0))
    if has_digit:
        for match in UK_PHONE_RE.finditer(text):
            yield Leak(match.start(), "a phone number", match.group(0).strip())
        for match in UK_POSTCODE_RE.finditer(text):
            yield Leak(match.start(), "a full postcode", match.group(0))
    if "/" in text:
        for match in SOCIAL_URL_RE.finditer(text):
            yield Leak(match.start(), "a social-media profile", match.group(0))
    if organisations:
        for offset, found in organisations.finditer(text):
            yield Leak(offset, "the name of an organisation that another case names", found)


def find_personal_contacts(text: str) -> Iterator[Leak]:
    """Personal email addresses and phone numbers, for a warning on named cases."""
    if "@" in text:
        for match in EMAIL_RE.finditer(text):
            if match.group(0).split("@")[0].lower() not in ROLE_MAILBOXES:
                yield Leak(match.start(), "a personal email address", match.group(0))
    if _DIGIT_RE.search(text) is not None:
        for match in UK_PHONE_RE.finditer(text):
            yield Leak(match.start(), "a phone number", match.group(0).strip())


def organisations_pattern(names: Iterable[str]) -> OrganisationNames | None:
    """A matcher for any of the names (four characters or more); None if there are none."""
    matcher = OrganisationNames(names)
    return matcher or None
