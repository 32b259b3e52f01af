"""The candour gate: honest text in every shape passes, weak text in every shape fails (#10).

The sentences are the project's own, written in the shapes the issue names: negation, quotation,
denial reversed in the next clause or sentence; bare denials in new words, vague pointers, "not
applicable", promises to add lessons later, "keep doing what we did".
"""

from __future__ import annotations

import pytest

from candour.core import codes, judgement, rules
from candour.core.loader import parse_case
from candour.core.validation import check_source
from candour.core.vocabulary import Vocabulary
from tests.conftest import case_text, good

# --- setbacks ---------------------------------------------------------------------------------------

HONEST_SETBACKS = [
    # The reproductions.
    "No problems were logged through the online form in the first month, because older tenants kept phoning "
    "the repairs line instead.",
    "The supplier told us there were no issues with photo uploads, which turned out to be wrong when tenants "
    "tried it.",
    "Tenants ticked N/A on the photo question because they did not understand it.",
    # Opening with a negation that is the failure itself.
    "None of the forty referrals in the first month came from GPs, so the pathway sat unused.",
    "Nobody used the new booking form for six weeks after launch.",
    "Not one of the twelve care homes signed up in the first quarter.",
    "Nothing was written down about who owned the waiting list, so two teams both thought the other did.",
    "No one on the project board had worked with the housing association before.",
    "No referrals arrived from the hospital discharge team until we moved a worker onto the ward.",
    "No problems showed up in testing, and then the letters went to the wrong addresses on the first day.",
    # Denial, then reversal in the next clause or sentence without a "but".
    "There were no problems with the pilot itself. Three of the five GP practices dropped out in the first "
    "month.",
    "We had no issues with the software; staff simply did not trust it and kept paper copies.",
    "Nothing went wrong with the IT. The problem was that nobody had told reception staff it existed.",
    "Everything went to plan for three months. Then the grant was cut by half in the spring budget.",
    "The dashboard showed no issues at all, while the complaints team was taking thirty calls a day.",
    "On paper there were no setbacks; in practice the waiting list doubled over the winter.",
    "We believed there were no barriers to access, and we were wrong about that for deaf residents.",
    "Managers assumed no problems would come up with the shift change, so nobody planned cover.",
    "We did not encounter any problems we could not solve ourselves, until the contractor went into "
    "administration.",
    # Quotation: what residents received, a label in a system.
    "Letters went out reading 'Dear [insert name]' because the mail merge failed overnight.",
    "The form still said 'TBC' where the opening hours should have been, for two whole weeks.",
    "Our case system has a status called \"No issues\", and workers used it for cases they had not read.",
    "The report to the board said “everything went smoothly”, which hid the three months of delay.",
    "The portal showed 'N/A' for every tenant's repair history after the data migration.",
    # Words that look like markers, in a sentence.
    "The todo list for the launch had forty items and nobody had agreed who owned each one.",
    "Our TBC-heavy plan, with everything pencilled and nothing signed, left suppliers guessing.",
    "See-through bags were used for the trial, and residents would not put them out on the street.",
    "The evaluation report shows referrals fell by half because GPs were never told about the new pathway.",
    "We planned to add a second worker later, which left one person covering two towns for a year.",
    # From an outside tester, each once refused.
    "Nothing went to plan after the housing association changed its chief executive halfway through the pilot.",
    "No issues were raised at the project board while rent arrears grew to eight thousand pounds.",
    "There were no major setbacks for the council; the tenants bore them all, with two evictions.",
    "According to the board there were no setbacks. Two tenants were evicted in the same quarter.",
    "The pilot had no setbacks worth the name according to the board. Tenants disagreed, and two were evicted.",
    "TODO lists were kept on paper by each worker, so nothing was shared when one of them went off sick.",
    "Lorem ipsum text was left on the live referral form for a month before anyone noticed.",
    # From a second outside tester: a denial limited in time or place, then the turn.
    "All went smoothly for the first six weeks. Then the lead GP retired and no practice would host the clinic.",
    "Everything went smoothly at first. Then the lead GP retired and no practice would host the clinic.",
    "The launch went smoothly. After that, demand outstripped the two advisers within a fortnight.",
    "Things ran without a hitch in the pilot ward. Rolled out to eight wards, the same process collapsed.",
    "No issues at first. Then the phone line was moved to the contact centre and calls went unanswered for days.",
    "Nothing went wrong for three months. In the fourth, a data breach exposed 30 tenants' addresses.",
    "No problems in the first quarter. In the second, 2,000 extra calls swamped the contact centre.",
    "Everything went to plan in Leeds. In Bradford, the same model ran into a wall of opposition from GPs.",
]

WEAK_SETBACKS = [
    # Bare denials, in many words.
    ("There were no major problems during the project.", "C102"),
    ("No significant issues were encountered by the team during the whole pilot.", "C102"),
    ("Everything went to plan and the team worked really well together.", "C102"),
    ("We did not encounter any significant issues during implementation.", "C102"),
    ("Honestly, the whole roll-out was plain sailing from start to finish.", "C102"),
    ("We can't think of any setbacks worth mentioning for this project.", "C102"),
    ("The project ran like clockwork and the partners were delighted with it.", "C102"),
    ("Nothing really went wrong, the project was delivered on time and on budget.", "C102"),
    ("It was a huge success and the residents loved the new service.", "C102"),
    ("Nothing springs to mind, it was a really positive experience for everyone.", "C102"),
    ("There weren't really any problems that we would want to share here.", "C102"),
    ("The implementation went smoothly and the partnership is stronger for it.", "C102"),
    ("We had no setbacks to speak of across the whole twelve months of delivery.", "C102"),
    ("The service has been problem-free since it opened in the spring.", "C102"),
    ("All good, the team delivered everything that was asked of them.", "C102"),
    # Placeholders, "not applicable".
    ("TBC", "C101"),
    ("N/A", "C101"),
    ("n/a - see the summary above for the background to the work", "C101"),
    ("Not applicable", "C101"),
    ("Not applicable, as this was a small project with a clear plan.", "C101"),
    ("None.", "C101"),
    ("TODO: describe what went wrong", "C101"),
    ("todo: write this", "C101"),
    ("[insert the main setback here]", "C101"),
    ("The main setback was [describe the setback] which affected the team.", "C101"),
    ("The team will TODO fill this in later with the real story", "C101"),
    ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.", "C101"),
    # Pointers elsewhere.
    ("See the evaluation report for the details of this.", "C107"),
    ("As described in the summary above, for the board.", "C107"),
    ("Please refer to section 3 of the board paper from March.", "C107"),
    ("Details are in the attached report that went to cabinet.", "C107"),
    # Promises.
    ("To be added once the evaluation is complete.", "C108"),
    ("We will add this once the independent evaluation has reported.", "C108"),
    ("Too early to say what the setbacks are, as the work has only just begun.", "C108"),
    # From an outside tester, each once let through.
    ("Honestly there was not a single thing that we would call a setback on this project.", "C102"),
    ("Cannot think of anything that went wrong, the team worked really well together throughout.", "C102"),
    ("We experienced minimal challenges which were all resolved quickly by the team.", "C102"),
    ("There were no setbacks. Everyone in the team worked really hard together on it.", "C102"),
    ("Not applicable to this project as it is still in its early stages of delivery.", "C101"),
    ("This section does not apply to our pilot, because it was a success from the start.", "C101"),
    ("Please refer to the final evaluation report published on the council website for details.", "C107"),
    ("Details of the setbacks can be found in the appendix to the cabinet paper from March.", "C107"),
    ("Full information is available from the project team on request by email or phone.", "C107"),
    ("Setbacks to follow when the project board has signed off the lessons learned log.", "C108"),
    ("This will be completed by the project manager after the next steering group meeting.", "C108"),
    ("Still to be written up by the team; please check back here in a few weeks.", "C108"),
    ("xxx xxx xxx xxx xxx xxx xxx xxx xxx", "C101"),
    ("Setback one goes here, describe what happened in a full sentence please.", "C101"),
    # From a second outside tester.
    ("Nil issues to report during the whole of the project period.", "C102"),
    ("It was all fine really, from start to finish, with everyone on board.", "C102"),
    ("None that we are aware of at this point in time, thankfully.", "C102"),
    ("Hard to think of anything that went badly, to be honest with you.", "C102"),
    ("The project was delivered on time, on budget and to a high standard throughout.", "C102"),
    ("All milestones were achieved and all partners were satisfied with the outcomes.", "C102"),
    ("Minor teething problems only, which were quickly resolved by the team.", "C102"),
    ("Some challenges along the way, as with any project of this kind.", "C102"),
    ("We prefer not to say what went wrong in a public document.", "C109"),
    ("We'd rather not go into that here, for obvious reasons.", "C109"),
    ("The less said about this the better, frankly, for all concerned.", "C109"),
    ("Commercially sensitive information, not for publication at this stage of the process.", "C109"),
    ("Confidential, for internal use only, and not to be shared outside.", "C109"),
    ("Redacted at the request of one of the partner organisations involved.", "C109"),
    ("We cannot share this as it relates to an ongoing HR matter at the council.", "C109"),
    ("Any setbacks are covered in full in the appendix to the board paper.", "C107"),
    ("Lessons learned have been captured in the project closure report.", "C107"),
    ("Pending the outcome of the internal review, which is due next spring.", "C108"),
]


@pytest.mark.parametrize("text", HONEST_SETBACKS)
def test_honest_setbacks_pass(text: str) -> None:
    assert judgement.placeholder_verdict(text, removable=False) is None
    assert judgement.judge_setback(text) is None


@pytest.mark.parametrize(("text", "code"), WEAK_SETBACKS)
def test_weak_setbacks_fail_with_their_code(text: str, code: str) -> None:
    verdict = judgement.placeholder_verdict(text, removable=False) or judgement.judge_setback(text)
    assert verdict is not None and verdict.code == code, verdict


# --- lessons ----------------------------------------------------------------------------------------

HONEST_LESSONS = [
    "Very little was tested with tenants before launch, so we would change the plan and test with them first.",
    "We would not change the eligibility rules, but we would recruit the staff two months earlier.",
    "Nothing would have changed for tenants unless we had tested with them, so we would test earlier.",
    "We would keep the same partners and add a pharmacist to the team from the start.",
    "Do the data-sharing agreement first: everything else waited for it.",
    "We would do the same training again, only shorter and closer to the go-live date.",
    "We would never again launch a digital form without a phone route alongside it.",
    "Nothing about the model; we would recruit earlier and budget for the evaluation.",
    "We would continue the approach but hand the referral list to the GP practices in the first month.",
    "Ask the people who answer the phones what callers actually say before writing any letters.",
    "We would add a second evaluation point after six months, because the first came too early.",
    "Keep a named owner for every action, which we did not have until the second year.",
    "Not start in December: half the team was on leave in the first fortnight.",
    "To be added to the plan from day one: a named mental health nurse who takes referrals directly.",
    "Same again? No. We would halve the pilot area so one worker could cover it on foot.",
    "Nothing would change about our aims. We would change how we told residents, starting with plain letters.",
    "Nothing would change about our aims. Everything would change about how we told residents.",
    "We'd do the same again, with one difference: a named lead in every school from day one.",
]

WEAK_LESSONS = [
    ("Nothing, we would do it all exactly the same way again.", "C103"),
    ("We wouldn't change anything about how the project was run.", "C103"),
    ("Keep doing what we did, because it worked well for everyone.", "C103"),
    ("No changes needed: the approach worked and we would repeat it.", "C103"),
    ("Nothing really would be done differently by the team.", "C103"),
    ("We would change nothing, the project was a success.", "C103"),
    ("Carry on as we are and share the model with other councils.", "C103"),
    ("Same again next year, it worked for the residents.", "C103"),
    ("None.", "C101"),
    ("N/A", "C101"),
    ("Lessons will follow when the pilot ends.", "C108"),
    ("We will update this section later in the year.", "C108"),
    ("To be confirmed after the steering group has met.", "C108"),
    ("See the evaluation report, which covers this in full.", "C107"),
    ("Keep doing exactly what we did, because it worked well for everyone involved.", "C103"),
    ("Same again, the model worked and we would not change the approach at all.", "C103"),
    ("We would do everything in the same way next time round, it was a success.", "C103"),
    ("We would make no changes to the approach if we were to run it again.", "C103"),
    ("Honestly I cannot think of anything we would do any differently next time.", "C103"),
    ("Repeat the pilot in exactly the same form in another part of the district.", "C103"),
    ("We are very happy with how things went and would run it this way again.", "C103"),
    ("Not applicable as the pilot is still running and lessons are not yet known.", "C101"),
    ("N/A as this project has not yet finished and we do not know yet.", "C101"),
    ("Refer to the lessons learned log held by the programme management office.", "C107"),
    ("Nothing springs to mind, the project was a real success for all concerned.", "C103"),
    ("We'd keep it as is, because it worked really well for everyone involved.", "C103"),
    ("No lessons as such, it was a very smooth and well-run project overall.", "C103"),
    ("Can't think of anything we would do differently, to be honest with you.", "C103"),
    ("We would replicate the approach in full without any amendments whatsoever.", "C103"),
    ("Hard to say at this stage; we will know more after the evaluation.", "C108"),
    ("Lessons will be drawn up by the steering group at its next meeting.", "C108"),
]


@pytest.mark.parametrize("text", HONEST_LESSONS)
def test_honest_lessons_pass(text: str) -> None:
    assert judgement.placeholder_verdict(text, removable=False) is None
    assert judgement.judge_lesson(text) is None


@pytest.mark.parametrize(("text", "code"), WEAK_LESSONS)
def test_weak_lessons_fail_with_their_code(text: str, code: str) -> None:
    verdict = judgement.placeholder_verdict(text, removable=False) or judgement.judge_lesson(text)
    assert verdict is not None and verdict.code == code, verdict


# --- the reference page's examples are what the checker does -----------------------------------------

def _verdict(code: codes.Code, text: str, vocabulary: Vocabulary) -> judgement.Verdict | None:
    if code.code == "C104":  # the word count is the validator's rule, not the judge's: ask the validator
        source = parse_case(case_text(good(setbacks=[{"what": text}])).encode(), "cases/x.md")
        _, problems = check_source(source, vocabulary, rules.Options())
        found = [p for p in problems if p.path == ("setbacks", 0, "what")]
        return judgement.Verdict(found[0].code, found[0].message, found[0].hint) if found else None
    placeholder = judgement.placeholder_verdict(text, removable=False)
    if code.field == "do_differently":
        return placeholder or judgement.judge_lesson(text)
    return placeholder or judgement.judge_setback(text)


@pytest.mark.parametrize("code", [c for c in codes.CODES.values() if c.field in ("setbacks.what", "do_differently")],
                         ids=lambda c: c.code)
def test_every_example_on_the_reference_page_is_true(code: codes.Code, vocabulary: Vocabulary) -> None:
    for text in code.passes:
        assert _verdict(code, text, vocabulary) is None, text
    for text in code.fails:
        verdict = _verdict(code, text, vocabulary)
        assert verdict is not None and verdict.code == code.code, (text, verdict)


def test_quoted_text_is_never_a_claim() -> None:
    assert judgement.unquoted("They said 'no issues' and “nothing to report”.") == \
        "They said  “…”  and  “…” ."
    assert judgement.unquoted("the supplier's system and the tenants' forms") == \
        "the supplier's system and the tenants' forms"


@pytest.mark.parametrize("text", [
    "We had no issues with the software; staff simply didn't trust it and kept it switched off.",
    "There were no complaints, because residents didn’t know they could complain.",
])
def test_contractions_with_either_apostrophe_are_an_account(text: str) -> None:
    assert judgement.judge_setback(text) is None
