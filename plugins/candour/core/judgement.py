"""Is a setback or a lesson candid? The judgement rules, C101-C109 (see `codes.py`).

The rule of thumb: turn an item away only for what it *says*, never for the words it uses. Honest
writing is full of negation and quotation: "No problems were logged, because tenants kept phoning
instead", "The supplier told us there were no issues, which turned out to be wrong", "Tenants
ticked N/A". So:

- A placeholder (TODO, TBC, N/A, "none", "[insert ...]") counts when it is the item, or opens it
  followed by punctuation, or is a template gap; not when it is quoted or part of a sentence.
- A denial ("there were no problems") or a no-change ("we would do it all the same") counts only
  when nothing else in the item is an account of what went wrong or what would change: no "but",
  "until", "instead", "unless", no "turned out", "told us", "believed", no failure ("late",
  "dropped out", "never", "not") outside the denial itself, no setback named.
- Pointers elsewhere ("see the report") and promises ("to be added") likewise count only when the
  item says nothing more.

Every pattern is linear: alternatives of literal words, bounded or possessive repeats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .problems import quote


@dataclass(frozen=True)
class Verdict:
    code: str
    message: str
    hint: str


#: Where a waiver is the way through, for the judgement rules' hints.
_WAIVER = "if it is honest and still refused, a reviewer can agree a waiver"
_WAIVER_SENTENCE = _WAIVER[0].upper() + _WAIVER[1:]

# Text in quotes is something someone else wrote or said: never the contributor's own claim.
_QUOTED_RE = re.compile(
    r"\"[^\"\n]{1,300}+\"|“[^”\n]{1,300}+”|(?<!\w)'[^'\n]{1,300}+'(?!\w)|‘[^’\n]{1,300}+’(?!\w)|«[^»\n]{1,300}+»")

# -- placeholders ------------------------------------------------------------------------------------

# A whole value that says nothing. Compared after lower-casing and trimming punctuation and quotes.
EMPTY_VALUES = frozenset({
    "none", "nothing", "n/a", "na", "nil", "null", "tbc", "tbd", "tba", "todo", "to do", "fixme", "xxx", "x",
    "-", "--", "...", "…", "?", "??", "placeholder", "unknown", "not applicable", "not known", "to be confirmed",
    "to be decided", "to be added", "to be agreed", "to follow", "see above", "as above", "same as above",
    "see below", "etc", "lorem ipsum", "test", "example", "none so far", "nothing yet", "no comment",
    "not relevant", "not yet known", "none to report", "nothing to report", "nothing to add", "no", "nope", "ok",
    "all good", "fine", "not sure", "dunno", "don't know", "do not know", "ditto", "same", "as per summary",
})
# A placeholder that opens the item, then stops: 'TBC.', 'N/A - see summary', 'TODO: write this',
# 'Not applicable to this project', 'This section does not apply'.
_OPENS_WITH_RE = re.compile(
    r"\A[\W_]{0,3}+(?:(?:todo|to\s++do|fixme|xxx+|tbc|tbd|tba|n/a|n\.a\.|none|nil|not\s++relevant|"
    r"to\s++be\s++confirmed|placeholder|lorem\s++ipsum)"
    r"(?=[ \t]*+(?:[:;,.!?(\[\-–—]|\Z|as\b|because\b|since\b|for\s++(?:this|now|the\s++moment)\b))"
    r"|not\s++applicable\b"
    r"|(?:this\s++(?:section|question|field)\s++)?does(?:\s*+n[o’']t|\s++not)\s++apply\b)",
    re.IGNORECASE)
# A gap left in a template, anywhere (outside quotes): '[insert ...]', '{{ name }}', filler, instructions.
_GAP_RE = re.compile(
    r"\[[ \t]*+(?:insert|add|your|describe|write|enter|name\s++of|tbc|todo|placeholder)\b[^\[\]\n]{0,200}+\]"
    r"|<[ \t]*+(?:insert|add|your|describe|write|enter)\b[^<>\n]{0,200}+>|\{\{[^{}\n]{0,200}+\}\}"
    r"|\blorem\s++ipsum\s++dolor\b|\bx{3,}+\b|(?-i:\bTODO\b(?![ \t]*+lists?\b)|\bFIXME\b)"
    r"|\b(?:goes|go|comes)\s++here\b|\b(?:describe|write|insert|add)\s++(?:it\s++|this\s++)?here\b"
    r"|\bin\s++a\s++full\s++sentence,?\s++please\b",
    re.IGNORECASE)

# -- denials, no-change, pointers, promises --------------------------------------------------------------

_NOUNS = (r"(?:setbacks?|problems?|issues?|challenges?|difficult(?:y|ies)|obstacles?|hiccups?|hitch(?:es)?|"
          r"snags?|failures?|mistakes?|barriers?|concerns?|complaints?|glitch(?:es)?|teething\s++problems)")
_ADJ = (r"(?:(?:real|major|significant|big|serious|notable|particular|obvious|many|any|great|huge|large|"
        r"substantial|key|main|other|further|unexpected|unforeseen|specific|real)\s++){0,3}+")
_DENIAL_RE = re.compile(
    r"\b(?:no|zero|not\s++(?:really\s++)?(?:any|many)|there\s++(?:were|was|have\s++been|has\s++been|are|is)"
    r"(?:\s++(?:really\s++)?no|\s*+n[o’']t\s++(?:really\s++)?any|\s++not\s++(?:really\s++)?any)"
    r"|(?:we|i)\s++(?:had|have|faced)\s++no)"
    rf"\s++{_ADJ}{_NOUNS}\b(?!-)"
    rf"|\b(?:did\s*+n[o’']?t|did\s++not|never|(?:have|has|had)\s*+n[o’']t|(?:have|has|had)\s++not)\s++"
    rf"(?:really\s++)?(?:have|face|faced|encounter|encountered|experience|experienced|hit|run\s++into|"
    rf"come\s++across|see|seen)\s++(?:any\s++)?{_ADJ}{_NOUNS}\b"
    r"|\b(?:did\s*+n[o’']?t|did\s++not)\s++need\s++to\s++(?:change|adapt|adjust|fix)\s++(?:anything|much)\b"
    r"|\bnothing\s++(?:\w++\s++){0,2}?went\s++wrong\b"
    r"|\beverything\s++(?:\w++\s++){0,2}?(?:went|ran|worked)\s++(?:to\s++plan|well|smoothly|fine|perfectly|"
    r"as\s++(?:planned|expected|hoped))"
    # 'went to plan', but not 'nothing went to plan', which says the opposite.
    r"|(?<!nothing )(?<!never )(?<!not )(?<!n't )(?<!n’t )\b(?:went|ran|was|has\s++been)\s++"
    r"(?:(?:really|very|completely|entirely|totally|pretty|largely|extremely|remarkably)\s++)?"
    r"(?:smooth(?:ly)?|seamless(?:ly)?|flawless(?:ly)?|perfectly|without\s++"
    r"(?:a\s++hitch|any\s++(?:problems|issues|hitches|hiccups))|(?:according\s++)?to\s++plan|like\s++clockwork)"
    r"|\b(?:plain|smooth)\s++sailing\b"
    r"|\b(?:none|nothing)\s++(?:to\s++(?:report|note|speak\s++of|add)|of\s++note|worth\s++(?:mentioning|noting)|"
    r"significant|major)\b"
    r"|\bnothing\s++(?:springs|comes)\s++to\s++mind\b"
    r"|\b(?:can[o’']?t|cannot|can\s++not|couldn[o’']?t|could\s++not)\s++(?:really\s++)?(?:think\s++of|"
    rf"identify|name|recall|remember)\s++(?:any|anything|a\s++single)\b(?:\s++{_ADJ}{_NOUNS}\b)?"
    r"(?:\s++(?:that\s++)?went\s++wrong)?(?:\s++worth\s++(?:mentioning|noting|sharing))?"
    rf"|\bnot\s++(?:a\s++)?single\s++(?:thing|one)\s++(?:that\s++)?(?:we|i)\s++(?:would|could)\s++call\s++"
    rf"(?:a\s++)?{_NOUNS}"
    rf"|\bnot\s++(?:a\s++)?single\s++{_NOUNS}\b"
    rf"|\bminimal\s++{_NOUNS}"
    rf"|\b{_NOUNS}\s++(?:which|that)\s++(?:were|was)\s++(?:all\s++)?(?:quickly\s++|easily\s++|soon\s++|"
    r"swiftly\s++)?(?:resolved|overcome|addressed|fixed|sorted)\b"
    r"|\A[\W_]{0,3}+all\s++(?:good|fine|well)\b"
    r"|\b(?:was|has\s++been|proved)\s++a\s++(?:complete|total|great|huge|resounding|real|big|massive|"
    r"outstanding)\s++success\b"
    r"|\bsuccess\s++(?:from\s++start\s++to\s++finish|throughout|all\s++round|from\s++the\s++start)\b"
    r"|\bno\s++lessons\b|\b(?:free\s++(?:of|from)\s++(?:problems|issues|setbacks)|(?:problem|issue|trouble)-free)\b"
    rf"|\bnil\s++{_ADJ}{_NOUNS}\b|\ball\s++(?:fine|good|ok|okay)\b"
    r"|\A[\W_]{0,3}+(?:none|nothing|not)\s++(?:that\s++)?(?:we|i)\s++(?:are|am|were|was)\s++aware\s++of\b"
    r"|\bhard\s++to\s++(?:think\s++of|name|identify)\s++(?:any|anything)\b(?:\s++(?:that\s++)?went\s++"
    r"(?:wrong|badly|awry))?|\bwent\s++(?:badly|awry)\b"
    r"|\bdelivered\s++on\s++time,?\s++(?:and\s++)?(?:on|within)\s++budget\b"
    r"|\ball\s++(?:the\s++)?(?:milestones|targets|objectives|outcomes|kpis|deadlines)\s++(?:were\s++)?"
    r"(?:achieved|met|delivered|hit)\b"
    rf"|\b(?:minor|small|the\s++usual)\s++(?:teething\s++)?{_NOUNS}\s++only\b"
    rf"|\b{_NOUNS}\s++only,?\s++(?:which|that)\s++(?:were|was)\s++(?:all\s++)?(?:quickly\s++|easily\s++)?"
    r"(?:resolved|overcome|addressed|fixed|sorted)\b"
    rf"|\b(?:some|a\s++few|the\s++usual)\s++(?:\w++\s++)?{_NOUNS}\s++(?:along\s++the\s++way|as\s++(?:with|in)\s++"
    r"any|as\s++(?:you\s++would\s++)?expect(?:ed)?)",
    re.IGNORECASE)
_NO_CHANGE_RE = re.compile(
    r"\b(?:nothing|not\s++(?:a\s++)?thing|not\s++much|very\s++little|none)"
    r"(?:\s++(?:really|much|at|all|major|significant|we|i|would|could|should|have|be|been|done|do|to|that|"
    r"worth|we'd|i'd|we’d|i’d|can|think|of|about|it)){0,6}+"
    r"\s++(?:change|changed|changing|different|differently|alter|altered|improve|improved)\b"
    r"|\bwould(?:n[o’']?t|\s++not)\s++(?:have\s++)?(?:do|done|change|changed|alter|altered)\s++"
    r"(?:anything|a\s++(?:single\s++)?thing|much)\b"
    r"|\bwould(?:n[o’']?t|\s++not)\s++change\s++(?:the|our)\s++(?:approach|model|plan|way\s++we)\b"
    r"(?:\s++at\s++all)?"
    r"|\bwould\s++(?:have\s++)?(?:change|changed|do|done|alter)\s++(?:nothing|very\s++little)\b"
    r"|(?:\b(?:we|i|would)|[’']d)\s++(?:(?:still|just|definitely|probably)\s++)?(?:do|did|have\s++done)\s++"
    r"(?:it\s++|things\s++)?(?:(?:all|everything|exactly|just|again|much|in)\s++){0,3}+(?:the\s++)?same\b"
    r"|\b(?:run|do|repeat)\s++(?:it|things|the\s++\w++)\s++(?:again\s++)?(?:this|that|the\s++same)\s++way\b"
    r"|\b(?:repeat|run|do)\s++(?:it|the\s++\w++)\s++(?:again\s++)?in\s++(?:exactly\s++)?the\s++same\s++"
    r"(?:form|way)\b"
    r"|\bsame\s++(?:way\s++|approach\s++)?again\b|\bno\s++regrets\b|\bmore\s++of\s++the\s++same\b"
    r"|\bno\s++changes?\s++(?:needed|required|necessary|to\s++make|planned)\b|\bmake\s++no\s++changes?\b"
    r"|\bno\s++changes?\s++to\s++(?:the|our)\s++(?:approach|model|plan|way)\b"
    r"|\bthink\s++of\s++(?:anything|a\s++thing)(?:\s++(?:that\s++)?(?:we|i)\s++would\s++(?:do|change)"
    r"(?:\s++any)?(?:\s++differently)?)?"
    r"|\b(?:keep|keeping|carry\s++on|carrying\s++on|continue|continuing|stick\s++to|sticking\s++to|repeat|"
    r"repeating)\s++(?:doing\s++)?(?:exactly\s++|just\s++)?(?:what\s++(?:we|i)\s++(?:did|do|have\s++done|"
    r"were\s++doing)|as\s++(?:we\s++(?:are|were|did)|before|planned|is|it\s++is)|the\s++same|"
    r"(?:our|the)\s++(?:approach|plan|model|way)(?=\s*+(?:[.,;:!]|\Z|as\s++it\s++was|exactly)))"
    r"|\A[\W_]{0,3}+(?:no\s++changes?|nothing|none)\s*+(?:[,.;:!—–-]|\Z)"
    r"|\bnothing\s++(?:springs|comes)\s++to\s++mind\b|\bno\s++lessons(?:\s++as\s++such)?\b"
    r"|\bkeep\s++(?:it|things|everything)\s++(?:just\s++)?as\s++(?:it\s++|they\s++)?(?:is|are|was|were)\b"
    r"|\b(?:can[o’']?t|cannot|can\s++not|couldn[o’']?t|could\s++not|hard\s++to)\s++(?:really\s++)?think\s++of\s++"
    r"(?:anything|a\s++thing)(?:\s++(?:that\s++)?(?:we|i)\s++would\s++(?:do|change)(?:\s++any)?"
    r"(?:\s++differently)?)?"
    r"|\b(?:replicate|repeat|reproduce|roll\s++out)\s++(?:the|our|this)\s++(?:approach|model|project|pilot|scheme)"
    r"\s++(?:in\s++full|exactly|as\s++(?:it\s++)?(?:is|was))\b|\bwithout\s++any\s++(?:amendments?|changes?)\b",
    re.IGNORECASE)
_POINTER_RE = re.compile(
    r"\A[\W_]{0,3}+(?:please\s++)?(?:(?:see|refer\s++to|read|check|look\s++at)\s++(?:the\s++|our\s++|my\s++)?"
    r"(?:[\w-]++\s++){0,3}?(?:above|below|attached|appendix|section|report|evaluation|link|website|board|"
    r"document|paper|summary|story|text|main|full|case|previous|earlier|following|minutes|notes|slides|"
    r"presentation|blog|log|page|register|plan|email|emails|thread|discussion|conversation|comments?|chat|"
    r"reasons?|pull\s++request|issue)\b"
    r"|as\s++(?:described|set\s++out|outlined|noted|mentioned|explained|detailed|discussed|stated|above|below|"
    r"per)|covered\s++(?:in|elsewhere|above|below)"
    r"|(?:full\s++|more\s++|further\s++)?(?:details?|information)(?:\s++(?:of|on|about)\s++(?:the\s++)?"
    r"[\w-]++)?\s++(?:is\s++|are\s++)?(?:can\s++be\s++found|available|held|kept|in|on|elsewhere)\b"
    r"|available\s++on\s++request|(?:ask|contact|email)\s++(?:us|me|the\s++team)\b"
    r"|(?:any\s++|the\s++|our\s++)?(?:setbacks?|lessons?(?:\s++learned|\s++learnt)?|details?|issues|problems)\s++"
    r"(?:are|is|were|was|have\s++been|has\s++been)\s++(?:covered|captured|recorded|set\s++out|described|"
    r"documented|included|listed|summarised|summarized)\b)",
    re.IGNORECASE)
_PROMISE_RE = re.compile(
    r"\A[\W_]{0,3}+(?:(?:still\s++)?to\s++be\s++(?:added|confirmed|updated|completed|written(?:\s++up)?|shared|"
    r"provided|decided|agreed|determined|reviewed|captured|documented|done)(?=\s*+(?:[.,;:!]|\Z|later|once|when|"
    r"after|in\s++due|soon|by\s++the|following|at\s++a\s++later))"
    r"|to\s++follow\b|(?:setbacks?|lessons?|(?:this\s++)?section)\s++to\s++follow\b"
    r"|(?:this|it)\s++will\s++be\s++(?:completed|written|added|updated|filled\s++in|done)\b"
    r"|(?:lessons?|details?|more|updates?|information|this|learning)\s++(?:will\s++(?:be\s++)?(?:follow|added|"
    r"shared|provided|updated|written|come|available)|to\s++follow|coming)"
    r"|(?:we|i)(?:'ll|’ll|\s++(?:will|shall|plan\s++to|intend\s++to|hope\s++to))\s++"
    r"(?:add|update|share|write|provide|fill\s++in|complete|report\s++back|come\s++back\s++to|let\s++you\s++know)"
    r"\s++(?:this|these|them|it|lessons?|details?|more|the\s++(?:lessons?|details?|rest|section|learning|"
    r"setbacks?)|later|when|once|after|in\s++due\s++course)"
    r"|will\s++be\s++(?:added|updated|shared|provided|written|completed)|coming\s++soon|watch\s++this\s++space"
    r"|(?:please\s++)?check\s++back\b"
    r"|not\s++(?:yet\s++)?(?:known|decided|written|available|clear)(?:\s++yet)?\s*+(?:[.,;:!]|\Z)"
    r"|(?:it\s++is\s++|it's\s++|it’s\s++)?too\s++(?:early|soon)\s++to\s++(?:say|tell)"
    r"|(?:it\s++is\s++|it's\s++|it’s\s++)?hard\s++to\s++say\b|(?:pending|awaiting|subject\s++to)\b"
    r"|(?:lessons?|learning|setbacks?)\s++will\s++be\s++(?:drawn\s++up|captured|agreed|identified|written|added|"
    r"shared|collated|gathered))",
    re.IGNORECASE)

_DECLINES_RE = re.compile(
    r"\A[\W_]{0,3}+(?:(?:we|i)(?:[’']d|\s++would)?\s++(?:prefer|rather)\s++not\s++(?:to\s++)?(?:say|share|go\s++into|"
    r"comment|disclose|discuss)"
    r"|(?:we|i)\s++(?:cannot|can[o’']?t|can\s++not|are\s++unable\s++to|am\s++unable\s++to|are\s++not\s++able\s++to)"
    r"\s++(?:share|say|disclose|publish|go\s++into|discuss|comment)"
    r"|the\s++less\s++said|no\s++comment|commercially\s++sensitive|confidential|redacted|withheld|"
    r"not\s++for\s++(?:publication|sharing)|(?:for\s++)?internal\s++(?:use\s++)?only|sensitive\s++information)",
    re.IGNORECASE)

# -- what makes an item an account, whatever else it says --------------------------------------------

_CONTRAST = (r"but|however|until|although|though|yet|except|excepting|apart\s++from|other\s++than|instead|"
             r"unless|whereas|while|whilst|meanwhile|despite|even\s++so|rather")
# A denial limited in time is the first half of a turn: 'all went smoothly at first. Then ...'.
_TURN = (r"then|after\s++that|afterwards|at\s++first|initially|to\s++begin\s++with|early\s++on|"
         r"for\s++the\s++first|in\s++the\s++first|at\s++the\s++start|in\s++the\s++(?:second|third|fourth|fifth|"
         r"next|following)|sadly|unfortunately")
# What went wrong, or that a denial was someone's belief and wrong.
_FAILURE = (r"turned\s++out|proved|in\s++fact|in\s++reality|actually|emerged|found|discovered|"
            r"realised|realized|noticed|wrong|mistaken|false|misleading|hidden|masked|missed|"
            r"told|said|assured|claimed|promised|insisted|believed|thought|assumed|expected|predicted|hoped|"
            r"supposed|appeared|seemed|on\s++paper|according\s++to|disagreed|disputed|not|never|no\s++one|"
            r"nobody|none\s++of|evict(?:ed|ions?)?|bore|borne|suffered|"
            r"failed|fail|failing|late|delay|delays|delayed|slow|slower|dropped|drop|fell|lost|lose|loss|"
            r"complain(?:ed|ts?)?|confus(?:ed|ing|ion)|struggl(?:ed|es?|ing)|broke|broken|refused|withdrew|"
            r"quit|stopped|overspent|overran|shortage|shortfall|harder|difficult|costly|wasted|unused|ignored|"
            r"forced|lack|lacked|lacking|reluctant|resist(?:ed|ance)?|frustrat(?:ed|ing|ion)|worse|poor|poorly|"
            r"unclear|unable|collaps\w*+|overwhelm\w*+|swamp\w*+|breach\w*+|retir\w*+|closed|"
            r"outstrip\w*+|unanswered|opposition|opposed|backlog|resign\w*+|vacanc\w*+|deficit|arrears|crash\w*+|"
            r"outage|harm\w*+|dropped\s++out|pulled\s++out|walked\s++away|wall")
# Softer words: an account in a setback ('few referrals came'), but too common to outweigh a promise.
_FAILURE_SOFT = r"left|cut|behind|gap|gaps|low|lower|few|fewer|less|kept|had\s++to|without|too"
# Outside a denial, any of these makes the item an account of what went wrong: a contrast, a failure,
# a setback named ("no problems with X; the problem was Y"), a later turn ("only", "later").
_ACCOUNT_RE = re.compile(
    rf"\b(?:{_CONTRAST}|{_TURN}|{_FAILURE}|{_FAILURE_SOFT}|only|later)\b|n[’']t\b|\b{_NOUNS}\b(?!-free)", re.IGNORECASE)
# After a pointer or a promise, a setback or 'later' is what a promise says, not an account.
_SAYS_MORE_RE = re.compile(rf"\b(?:{_CONTRAST}|{_FAILURE})\b|n[’']t\b", re.IGNORECASE)
# After a refusal to say, only a turn ('but ...') says more: the rest of a refusal names what it withholds.
_CONTRAST_RE = re.compile(rf"\b(?:{_CONTRAST})\b", re.IGNORECASE)
# For a lesson, words that say what would change ('Same again? No. We would halve ...').
_CHANGE_RE = re.compile(
    rf"\b(?:{_CONTRAST}|earlier|sooner|more|fewer|less|first|before|better|properly|differently|"
    r"start|stop|add|drop|avoid|never|not|no|involve|test|ask|budget|plan\s++for|hire|recruit|train|only|"
    r"halve|double|reduce|increase|shorten|extend|simplify|split|merge|move|hand|give|pay|spend|"
    r"change|changes|different|difference|one\s++thing|named|"
    r"would\s++(?:have\s++)?(?:liked|wanted|preferred))\b|n[’']t\b",
    re.IGNORECASE)


# After a pointer or a promise in a lesson, a change named ('we would recruit earlier'); not 'more', which
# promises say too ('we will know more').
_CHANGE_ELSEWHERE_RE = re.compile(
    rf"\b(?:{_CONTRAST}|earlier|sooner|fewer|differently|start|stop|avoid|never|involve|test|budget|hire|recruit|"
    r"train|halve|double|reduce|increase|shorten|extend|simplify|split|merge|change|different|"
    r"would\s++(?:have\s++)?(?:liked|wanted|preferred))\b|n[’']t\b",
    re.IGNORECASE)


def unquoted(text: str) -> str:
    """The text with every quoted passage blanked: what someone else wrote or said is not a claim."""
    return _QUOTED_RE.sub(" “…” ", text)


def placeholder(text: str) -> str | None:
    """The placeholder that `text` is, opens with, or leaves as a template gap; None for real text."""
    bare = text.strip().strip(".!:;,\"'“”‘’").strip().lower()
    if bare in EMPTY_VALUES or not any(ch.isalnum() for ch in text):
        return text.strip()
    if match := _OPENS_WITH_RE.search(text):
        return match.group(0).strip(" \t.,;:!")
    match = _GAP_RE.search(unquoted(text))
    return match.group(0) if match else None


def _says_only(text: str, pattern: re.Pattern[str], account: re.Pattern[str]) -> bool:
    """True when `pattern` matches outside quotes and nothing left over is an account of more."""
    plain = unquoted(text)
    if not pattern.search(plain):
        return False
    rest = pattern.sub(" ", plain)
    return not account.search(rest)


_DENIES = Verdict("C102", "this says nothing went wrong",
                  "describe one thing that was harder, slower or costlier than planned; if the next sentence says "
                  f"what did go wrong, put it in this item too. {_WAIVER_SENTENCE}")
_NO_CHANGE = Verdict("C103", "this says nothing would change",
                     "name one thing the team would do differently next time, and why: earlier, more, or not at "
                     f"all. {_WAIVER_SENTENCE}")


def judge_setback(text: str) -> Verdict | None:
    """Whether a setback's 'what' says something went wrong: None when it does."""
    return _DENIES if _says_only(text, _DENIAL_RE, _ACCOUNT_RE) else _judge_elsewhere(text, _SAYS_MORE_RE)


def judge_lesson(text: str) -> Verdict | None:
    """Whether a 'do differently' item names a change: None when it does."""
    return _NO_CHANGE if _says_only(text, _NO_CHANGE_RE, _CHANGE_RE) else _judge_elsewhere(text, _CHANGE_ELSEWHERE_RE)


def _judge_elsewhere(text: str, account: re.Pattern[str]) -> Verdict | None:
    if _says_only(text, _DECLINES_RE, _CONTRAST_RE):
        return Verdict("C109", "this declines to say",
                       "a case is public by design: say what you can, in general terms, or describe it without "
                       "names; if it cannot be shared yet, keep the case as a draft ('draft: true'). "
                       + _WAIVER_SENTENCE)
    if _says_only(text, _POINTER_RE, account):
        return Verdict("C107", "this points somewhere else instead of saying it",
                       "write the point itself here, in a sentence or two; put the link in 'sources'. "
                       + _WAIVER_SENTENCE)
    if _says_only(text, _PROMISE_RE, account):
        return Verdict("C108", "this promises to write it later",
                       "write it now, or keep the case unpublished with 'draft: true' until you can. "
                       + _WAIVER_SENTENCE)
    return None


def weak_reason(text: str) -> bool:
    """Whether a waiver's reason is itself a placeholder, a pointer, a promise or a refusal."""
    return placeholder(text) is not None or _judge_elsewhere(text, _SAYS_MORE_RE) is not None


def placeholder_verdict(text: str, *, removable: bool, waivable: bool = True) -> Verdict | None:
    """C101 for a placeholder; `removable` when the field or item is optional and could just go, `waivable`
    unless it is a required field of the case itself (a title or a place is never honestly 'TBC')."""
    found = placeholder(text)
    if found is None:
        return None
    hint = "replace it with the real text, or remove it" if removable else "replace it with the real text"
    if waivable and not found.upper().startswith("TODO"):  # a TODO the tools wrote is never quoted text
        hint += ("; if you are quoting what someone wrote (a letter, a form, a label), put those words in quotes "
                 f"within your sentence. {_WAIVER_SENTENCE}")
    return Verdict("C101", f"{quote(found)} is a placeholder", hint)
