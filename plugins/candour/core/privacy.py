"""Privacy checks: an anonymised case must not give its authors away.

What they catch: email addresses (also written with entities, '%40', a full-width '＠' or spelled out as
'jane dot smith at council dot gov dot uk'), UK phone numbers and full postcodes however they are
spaced or punctuated, social-media handles and profile links, links to the website of a local
public body, and any organisation that another case on the site names (also hyphenated, in a file
name or a link). What they cannot catch: a person's name, a job title that only one person holds, a
distinctive local detail, a date that pins down an event. Reviewers still read every anonymised
case for those (see the contributing page).

Every check reads the text as a reader sees it (`reader_text`): entities decoded, URL escapes
decoded, Unicode normalised (NFKC), invisible characters removed, runs of spaces as one. Every
pattern runs in linear time: each is anchored on a rare character or a boundary, and its
quantifiers are bounded or possessive.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .html_policy import line_of, line_starts

# Local part, '@', then labels separated by dots: possessive, and started only where the local part
# starts, so no position is scanned twice. The top-level domain is checked after the match.
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}+ ?@ ?[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)++")
# +44 or 0, then 9 or 10 more digits, separated by up to three spaces, dots, dashes, slashes or brackets.
UK_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)44[ .\-/\u2010-\u2015\u2212]{0,3}+(?:\(0\)[ .\-/\u2010-\u2015\u2212]{0,3}+)?|\(?0)"
    r"(?:\d[ .\-/()\u2010-\u2015\u2212]{0,3}+){8,9}\d(?!\d)")
UK_POSTCODE_RE = re.compile(
    r"\b(?:GIR[ \-_.]{0,2}+0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY])"
    r"[ \-_./]{0,2}+\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
HANDLE_RE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?\b(?!@)(?!\.[A-Za-z]{2,})")
SOCIAL_URL_RE = re.compile(
    r"\b(?:(?:twitter|x|facebook|fb|instagram|linkedin|tiktok|threads|youtube|bsky|mastodon\.social|github|reddit)"
    r"\.(?:com|app|net)|t\.me)/(?:in/|profile/|company/|user/|u/|@)?[A-Za-z0-9_.-]++", re.IGNORECASE)
# A host name anywhere in the text, in a link or not: started only where a name starts, so linear.
HOST_RE = re.compile(r"(?<![\w.@-])[a-z0-9-]++(?:\.[a-z0-9-]++)++", re.IGNORECASE)
# 'jane dot smith at council dot gov dot uk', '(at)', '[dot]': written out so no program would see an address.
_SPELLED_AT_RE = re.compile(r"(?<![ \t])(?:[ \t]*+[(\[{][ \t]*+at[ \t]*+[)\]}][ \t]*+|[ \t]++at[ \t]++)",
                            re.IGNORECASE)
_SPELLED_DOT_RE = re.compile(
    r"(?<![ \t])(?:[ \t]*+[(\[{][ \t]*+dot[ \t]*+[)\]}][ \t]*+|[ \t]++dot[ \t]++|[ \t]++\.[ \t]++)", re.IGNORECASE)
#: Shared, non-personal mailbox names: on named cases these are not worth a warning.
ROLE_MAILBOXES = frozenset({
    "info", "enquiries", "enquiry", "contact", "hello", "admin", "office", "team", "help", "support", "press",
    "media", "foi", "comms", "communications", "feedback", "general", "mail", "reception", "customerservices",
})
#: Domains of local public bodies: a link to a council's, a trust's or a school's own site names it.
LOCAL_BODY_SUFFIXES = (".gov.uk", ".nhs.uk", ".nhs.net", ".police.uk", ".sch.uk", ".gov.wales", ".llyw.cymru",
                       ".gov.scot", ".hscni.net", ".fire-uk.org")
#: National bodies' sites under those domains, which name no local body: each with its subdomains
#: (the bare domains gov.uk, nhs.uk and police.uk are national too, but not their other subdomains).
NATIONAL_DOMAINS = (
    "service.gov.uk", "data.gov.uk", "legislation.gov.uk", "ons.gov.uk", "local.gov.uk", "nationalarchives.gov.uk",
    "ofsted.gov.uk", "ukhsa.gov.uk", "dwp.gov.uk", "hmrc.gov.uk", "education.gov.uk", "england.nhs.uk",
    "digital.nhs.uk", "nhsbsa.nhs.uk", "hee.nhs.uk", "college.police.uk", "gov.wales", "llyw.cymru", "gov.scot",
    "nhsinform.scot",
)
NATIONAL_HOSTS = frozenset({"gov.uk", "nhs.uk", "police.uk", "nhs.net", "parliament.uk"})

_COMMON_ENDINGS = frozenset({"uk", "com", "org", "net", "scot", "wales", "cymru", "info", "io"})
# Letters of other alphabets that look like Latin ones ('Sеaport' with a Cyrillic 'е'), and the full
# stops that browsers accept between the parts of a web address ('seaport。gov。uk').
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁӏАВЕКМНОРСТХІЈЅαοντιΑΒΕΖΗΙΚΜΝΟΡΤΥΧ\u3002\uff61",
    "aeopcyxijsdlABEKMHOPCTXIJSaovtiABEZHIKMNOPTYX..")


def _invisible(char: str) -> bool:
    """Format characters (zero-width, tags, direction marks) and variation selectors: they show as nothing."""
    return unicodedata.category(char) == "Cf" or "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


_SPACES_RE = re.compile(r"[^\S\n]++")
_DIGIT_RE = re.compile(r"\d")


def reader_text(text: str) -> str:
    """`text` as a reader sees it, line for line: the same lines, so a finding keeps its line number.

    Character references (`&#64;`, `&nbsp;`) and URL escapes (`%40`) are decoded, Unicode is
    normalised (a full-width '＠' is '@'), invisible characters (zero-width spaces, soft hyphens)
    are dropped, and any run of spaces, no-break spaces included, is one space.
    """
    if "&" in text:
        text = "\n".join(html.unescape(line).replace("\n", " ").replace("\r", " ") for line in text.split("\n"))
    if "%" in text:
        text = "\n".join(unquote(line).replace("\n", " ").replace("\r", " ") for line in text.split("\n"))
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = "".join(c for c in text if c.isascii() or not _invisible(c)).translate(_LOOKALIKES)
    return _SPACES_RE.sub(" ", text.replace("\\", "/"))


@dataclass(frozen=True)
class Leak:
    line: int  # from 0, within the text checked
    kind: str
    found: str


_NAME_WORD_RE = re.compile(r"[^\W_]++")
#: What may stand between two words of an organisation's name: spaces, or one separator of a file
#: name or web address ('Seaport-Borough-Council.png'). Not '. ', which ends a sentence.
_NAME_GAP_RE = re.compile(r"[ \t\n]++|[-_.+/\u2010-\u2015\u2212]")


#: Words that name a kind of organisation, not one organisation: a name made only of these is not checked.
GENERIC_WORDS = frozenset({
    "the", "of", "and", "for", "in", "local", "authority", "authorities", "council", "borough", "county", "district",
    "city", "town", "parish", "unitary", "combined", "metropolitan", "trust", "nhs", "foundation", "health", "care",
    "social", "services", "service", "team", "group", "partnership", "board", "community", "housing", "association",
    "network", "centre", "center", "hospital", "school", "schools", "police", "fire", "rescue", "ccg", "icb",
    "integrated", "system", "university", "college", "department", "unit", "practice", "practices", "gp",
    "surgery", "charity", "voluntary", "sector", "jobcentre", "plus", "library", "libraries", "government",
})
# The text before a word ends a sentence, or is empty: the word may be capitalised only for that.
_SENTENCE_START_RE = re.compile(r"(?:\A|[.!?:;]\s*+|\n\s*+)[\s\"'(\[*_#>-]*+\Z")


class OrganisationNames:
    """Finds any of many organisation names in a text, whole words, ignoring case and spacing.

    A name is matched word by word from a table keyed by its first word, so the cost grows with
    the length of the text, not with the number of names (one regex of thousands of alternatives
    took most of the validator's time at 1,000 cases).
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        self.compact: set[str] = set()
        #: One-word names as written ('Crisis', 'Mind'): matched with their capitals only, and not
        #: as a sentence's first word, so 'went through a crisis' and 'bear in mind' are not names.
        self.proper: dict[str, str] = {}
        for name in names:
            written = _NAME_WORD_RE.findall(reader_text(name))
            words = tuple(w.casefold() for w in written)
            if not words or len(" ".join(words)) < 4 or set(words) <= GENERIC_WORDS:
                continue  # 'Local Authority' or 'NHS Trust' names nobody
            if len(words) == 1:
                self.proper[words[0]] = written[0]
            if words not in self.by_first.get(words[0], []):
                self.by_first.setdefault(words[0], []).append(words)
                if len("".join(words)) >= 8:
                    self.compact.add("".join(words))
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
                        _NAME_GAP_RE.fullmatch(text, tokens[k][2], tokens[k + 1][1]) for k in range(index, end - 1)):
                    start = tokens[index][1]
                    if len(name) == 1 and (text[start:tokens[index][2]] != self.proper.get(name[0])
                                           or _SENTENCE_START_RE.search(text, max(0, start - 40), start) is not None):
                        continue
                    yield start, text[start:tokens[end - 1][2]]
                    step = len(name)
                    break
            index += step

    def in_host(self, host: str) -> str | None:
        """The name written without spaces in a web address's host ('seaportboroughcouncil.org.uk')."""
        squashed = re.sub(r"[^a-z0-9]", "", host.lower())
        return next((name for name in self.compact if name in squashed), None)


def _line_finder(text: str) -> Callable[[int], int]:
    """Offset -> line (from 0), by binary search: counting newlines per finding would be quadratic."""
    starts = line_starts(text)
    return lambda offset: line_of(starts, offset) - 1


def _host(url: str) -> str:
    try:
        return (urlsplit(url if "//" in url else "//" + url).hostname or "").lower().rstrip(".")
    except ValueError:  # not a well-formed address
        return ""


def _emails(text: str) -> Iterator[tuple[int, str]]:
    for match in EMAIL_RE.finditer(text):
        address = match.group(0).replace(" ", "").rstrip(".-")
        domain = address.rsplit("@", 1)[1]
        tld = domain.rsplit(".", 1)[-1]
        if "." in domain and len(tld) >= 2 and tld.isalpha() and address.split("@")[0].strip(".") != "":
            yield match.start(), address


def _spelled_emails(text: str) -> Iterator[tuple[int, str]]:
    """Addresses written out in words. The same lines, so a line number still holds."""
    if not re.search(r"\bat\b|@", text, re.IGNORECASE) or not re.search(r"\bdot\b| \. ", text, re.IGNORECASE):
        return
    respelled = _SPELLED_DOT_RE.sub(".", _SPELLED_AT_RE.sub("@", text))
    line = _line_finder(respelled)
    for offset, address in _emails(respelled):
        local, domain = address.rsplit("@", 1)
        # 'we looked at data dot gov' is prose: an address has a dotted name, a deeper domain or a common ending.
        if "." in local or domain.count(".") >= 2 or domain.rsplit(".", 1)[1].lower() in _COMMON_ENDINGS:
            yield line(offset), address


def local_body_site(url: str) -> str | None:
    """The host, if `url` is on the website of a local public body (a council, a trust, a school...)."""
    host = _host(url)
    if host.startswith("www."):
        host = host[4:]
    national = host in NATIONAL_HOSTS or any(host == d or host.endswith("." + d) for d in NATIONAL_DOMAINS)
    if host.endswith(LOCAL_BODY_SUFFIXES) and not national:
        return host
    return None


def find_leaks(text: str, organisations: OrganisationNames | None = None) -> Iterator[Leak]:
    """Everything in `text` that could identify an anonymised case's authors, by line from 0."""
    text = reader_text(text)
    _line = _line_finder(text)
    has_at, has_digit = "@" in text, _DIGIT_RE.search(text) is not None
    if has_at:
        for offset, address in _emails(text):
            yield Leak(_line(offset), "an email address", address)
        for match in HANDLE_RE.finditer(text):
            yield Leak(_line(match.start()), "a social-media handle", match.group(0))
    for line, address in _spelled_emails(text):
        yield Leak(line, "an email address, written out in words", address)
    if has_digit:
        for match in UK_PHONE_RE.finditer(text):
            yield Leak(_line(match.start()), "a phone number", match.group(0).strip())
        for match in UK_POSTCODE_RE.finditer(text):
            yield Leak(_line(match.start()), "a full postcode", match.group(0))
    if "/" in text:
        for match in SOCIAL_URL_RE.finditer(text):
            yield Leak(_line(match.start()), "a social-media profile", match.group(0))
    if "." in text:
        for match in HOST_RE.finditer(text):
            host = match.group(0).lower()
            if local_body_site(host) is not None:
                yield Leak(_line(match.start()), "the web address of a local public body", host)
            elif organisations and organisations.in_host(host):
                yield Leak(_line(match.start()), "the web address of an organisation another case names", host)
    if organisations:
        for offset, found in organisations.finditer(text):
            yield Leak(_line(offset), "the name of an organisation that another case names", found)


def find_personal_contacts(text: str) -> Iterator[Leak]:
    """Personal email addresses and phone numbers, for a warning on named cases."""
    text = reader_text(text)
    _line = _line_finder(text)
    if "@" in text:
        for offset, address in _emails(text):
            if address.split("@")[0].lower() not in ROLE_MAILBOXES:
                yield Leak(_line(offset), "a personal email address", address)
    if _DIGIT_RE.search(text) is not None:
        for match in UK_PHONE_RE.finditer(text):
            yield Leak(_line(match.start()), "a phone number", match.group(0).strip())


def organisations_pattern(names: Iterable[str]) -> OrganisationNames | None:
    """A matcher for any of the names (four characters or more); None if there are none."""
    matcher = OrganisationNames(names)
    return matcher or None
