"""Every check's stable code, what it means, and whether a case may waive it.

Codes work like a linter's (ruff's `E501`): each message starts with one, the site's reference
page explains each with examples, and a case can waive the judgement rules (C1xx) for one field,
with a reason, in the open (see `waivers.py`). The examples here are tested against the rules, so
the reference page cannot promise what the checker does not do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    title: str
    why: str
    waivable: bool = False
    passes: tuple[str, ...] = ()
    fails: tuple[str, ...] = ()
    #: For examples: the field an example stands in ('setbacks.what', 'do_differently', 'summary', 'body').
    field: str = ""


_CODES = (
    # The file and its front-matter: nothing else can be checked until these are right.
    Code("C001", "The file cannot be read",
         "The file is not UTF-8 text, is too big, is a link or not a regular file, or has no front-matter "
         "between two '---' lines."),
    Code("C002", "The front-matter is not valid YAML",
         "The fields between the '---' lines could not be read. The message names the likely cause: a tab, "
         "curly quotes, a missing space after a colon, an apostrophe inside single quotes, a bullet typed as "
         "a dash from a word processor, or a missing closing '---'."),
    Code("C003", "The front-matter has a shape Candour cannot use",
         "A field appears twice, nests too deeply, uses a YAML alias or tag, or holds a value (a date or "
         "number) that cannot be read."),
    Code("C010", "A required field is missing",
         "Every case needs its title, summary, status, dates, place, region, services, themes, attribution, "
         "setbacks and what the team would do differently. These cannot be waived."),
    Code("C011", "A field Candour does not know",
         "Usually a misspelt field name: the message suggests the nearest one."),
    Code("C012", "A field has the wrong type or is empty",
         "For example a list written as one line of text, or a field with nothing after the colon."),
    Code("C013", "A value that is not allowed",
         "Status, attribution and the vocabulary fields (region, services, themes, partners) take one of a "
         "fixed list of values; the message lists them."),
    Code("C014", "A date that is not a date",
         "Dates are written YYYY-MM or YYYY-MM-DD. '01/04/2023' is read as 1 April 2023 and the message "
         "offers '2023-04-01'."),
    Code("C015", "Too long or too short for the field", "The message says the limit."),
    Code("C016", "Not a web address", "Links start with https:// or http://."),
    # Candour's judgement rules: the only ones a case can waive.
    Code("C101", "A placeholder instead of the real text",
         "TODO, TBC, N/A, 'none', '[insert ...]' or filler text where the real text should be. A placeholder "
         "that is part of the story (what residents received, a label in a system) is fine: put it in "
         "quotes, or write it in the middle of a sentence.",
         waivable=True, field="setbacks.what",
         passes=("Tenants ticked N/A on the photo question because they did not understand it.",
                 "Letters went out reading 'Dear [insert name]' because the mail merge failed.",
                 "The form still said 'TBC' where the opening hours should have been, for two weeks."),
         fails=("TBC", "N/A", "TODO: describe what went wrong", "[insert the main setback here]",
                "None.", "Not applicable")),
    Code("C102", "A setback that says nothing went wrong",
         "Every piece of work has setbacks. A setback item that only says there were none is turned away. "
         "Saying what people believed, what was not logged, or a denial that the next clause or sentence "
         "reverses is an honest account and passes.",
         waivable=True, field="setbacks.what",
         passes=("No problems were logged through the online form in the first month, because older "
                 "tenants kept phoning the repairs line instead.",
                 "The supplier told us there were no issues with photo uploads, which turned out to be wrong "
                 "when tenants tried it.",
                 "There were no problems with the pilot itself. Three of the five GP practices dropped out in "
                 "the first month.",
                 "None of the forty referrals in the first month came from GPs, so the pathway sat unused.",
                 "Nobody used the new booking form for six weeks after launch."),
         fails=("There were no major problems during the project.",
                "Everything went to plan and the team worked really well together.",
                "We did not encounter any significant issues during implementation.",
                "Honestly, the whole roll-out was plain sailing from start to finish.",
                "We can't think of any setbacks worth mentioning for this project.")),
    Code("C103", "A lesson that says nothing would change",
         "What the team would do differently is the most useful part of a case for the next team. An item "
         "that says they would change nothing, or would keep doing what they did, is turned away.",
         waivable=True, field="do_differently",
         passes=("Very little was tested with tenants before launch, so we would change the plan and test "
                 "with them first.",
                 "We would not change the eligibility rules, but we would recruit the staff two months earlier.",
                 "Nothing would have changed for tenants unless we had tested with them, so we would test "
                 "earlier."),
         fails=("Nothing, we would do it all exactly the same way again.",
                "We wouldn't change anything about how the project was run.",
                "Keep doing what we did, because it worked well for everyone.",
                "No changes needed: the approach worked and we would repeat it.")),
    Code("C104", "A setback or lesson too short to be useful",
         "A setback or lesson needs a full sentence (8 words unless the site sets another minimum) so that "
         "a reader can learn from it.",
         waivable=True, field="setbacks.what",
         passes=("The supplier went into administration two weeks before launch.",),
         fails=("Staff shortages.", "IT problems")),
    Code("C105", "A summary too short or too long",
         "The summary is 20 to 120 words: what was tried, where, and how it went.",
         waivable=True, field="summary"),
    Code("C106", "A placeholder left in the story",
         "A line of the text below the front-matter that starts with TODO, TBC or '[insert ...]', as "
         "`candour new` writes it.", waivable=True, field="body",
         passes=("Staff kept a TODO list on the whiteboard, which nobody updated after March.",),
         fails=("TODO: the story, in your own words.", "## What happened\n\n[Describe what happened here]")),
    Code("C107", "Points somewhere else instead of saying",
         "'See the evaluation report' or 'as described above' tells a reader nothing here. Say the point "
         "itself; a link can go in 'sources'.", waivable=True, field="setbacks.what",
         passes=("See-through bags were used for the trial, and residents would not put them out on the street.",
                 "The evaluation report shows referrals fell by half because GPs were never told about the "
                 "new pathway."),
         fails=("See the evaluation report for the details of this.", "As described in the summary above.",
                "Please refer to section 3 of the board paper.")),
    Code("C108", "A promise to write it later",
         "'To be added after the evaluation' is not yet a case: keep it as a draft ('draft: true') until it "
         "can be written.", waivable=True, field="do_differently",
         passes=("We would add a second evaluation point after six months, because the first came too early.",),
         fails=("To be added once the evaluation is complete.", "Lessons will follow when the pilot ends.",
                "We will update this section later in the year.")),
    Code("C109", "Declines to say",
         "'Confidential', 'we prefer not to say' or 'commercially sensitive' in place of the setback. A case is "
         "public by design: say what you can in general terms, or keep the case as a draft until you can.",
         waivable=True, field="setbacks.what",
         passes=("The contract was confidential, so tenants could not see the repair times they had been promised.",),
         fails=("Confidential, for internal use only.", "We prefer not to say what went wrong in a public document.",
                "Commercially sensitive information, not for publication.")),
    # Fields that must agree with each other.
    Code("C201", "Dates that disagree with the status",
         "A completed or stopped case needs 'ended'; a planned or in-progress one cannot have it; 'ended' "
         "cannot be before 'started'."),
    Code("C202", "Attribution that is not consistent",
         "A named case lists its organisations; an anonymised one describes them in 'described_as' and names "
         "no organisation or contributor."),
    Code("C203", "An item repeated in a list", "The same item twice, in any list."),
    Code("C204", "The file's name", "A case's file name is its web address: lower-case letters, digits and "
         "hyphens, not a name the site uses itself, and not only different in capitals from another case."),
    Code("C205", "A file in the wrong place", "Cases are '.md' files directly in the cases folder; links are "
         "never followed."),
    # Privacy: never waivable.
    Code("C301", "An anonymised case that identifies someone",
         "An email address, phone number, postcode, social-media handle, a local public body's website, or an "
         "organisation another case names. Remove it or describe it without identifying anyone."),
    Code("C302", "A cross-case clash of names",
         "A named case adds an organisation that an anonymised case already mentions: publishing both would "
         "identify the anonymised case. Reported on the file that adds the name."),
    Code("C303", "A named case that publishes personal contact details",
         "A warning: check that the person agreed to it, or use a shared team address."),
    # The HTML policy: never waivable.
    Code("C401", "Markup or invisible characters in a plain-text field",
         "Fields are plain text: no HTML tags, character references such as '&lt;', control or direction "
         "characters."),
    Code("C402", "HTML the story may not use",
         "The story is Markdown; a little HTML is allowed (see the Contribute page). Scripts, styles, forms, "
         "frames, event attributes and links to other sites' images are not."),
    # Waivers themselves.
    Code("C901", "A waiver that cannot be used",
         "A waiver names a rule that does not exist or cannot be waived, a field the case does not have, or gives "
         "no real reason (a placeholder, a pointer elsewhere, a promise, or the refused text again); or it is not "
         "needed because the rule does not fire there, or it repeats another waiver. Waivers can be switched off "
         "for a whole casebook."),
    Code("C902", "The vocabulary file has errors", "Every case is checked against it, so it must be right first."),
)

CODES: dict[str, Code] = {c.code: c for c in _CODES}
WAIVABLE = frozenset(c.code for c in _CODES if c.waivable)


def reference() -> list[dict[str, object]]:
    """Rows for the site's reference page."""
    return [{"code": c.code, "title": c.title, "why": c.why, "waivable": c.waivable,
             "passes": list(c.passes), "fails": list(c.fails)} for c in _CODES]
