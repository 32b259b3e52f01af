"""What every case of a casebook is checked with, beyond the vocabulary: the settings make it once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the patterns are made, and the privacy rules imported, only when a case is checked
    from .privacy import OrganisationNames

#: Default for the plugin option `min_words`.
MIN_WORDS = 8


@dataclass(frozen=True)
class Options:
    min_words: int = MIN_WORDS
    #: Organisations named by other cases: an anonymised case must not mention them.
    organisations: OrganisationNames | None = None
    #: Whether a case may waive a judgement rule (the plugin option `waivers`).
    allow_waivers: bool = True
