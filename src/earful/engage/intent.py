"""Rules for question and lead intent, used when a post has no labels (and for evaluation).

Labels from the labelling pipeline (``type=question``, ``question``/``lead`` = ``true``) win;
these rules only fill in where no labeller ran. Each returns a strength in 0..1 and a reason.
"""

from __future__ import annotations

import re

_Q_START = re.compile(
    r"^(?:@\w+\s+)*(?:how|what|why|where|when|which|who|is|are|can|could|does|do|did|should|"
    r"would|will|has|have|anyone|any|has anyone|is there|ask hn)\b",
    re.IGNORECASE,
)
_Q_CUE = re.compile(
    r"\b(?:how (?:do|can|to|does|would)|is there (?:a|any)|does anyone|anyone know|can i|"
    r"can you|why (?:is|does|do|are|can't|won't)|what(?:'s| is) the best|help me|"
    r"any (?:idea|ideas|tips|advice)|ask hn|need help|wondering)\b",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"\b(?:recommend(?:ation|ations)?|looking for (?:a|an|some)|alternative(?:s)? to|"
    r"worth it|switch(?:ing)? (?:from|to|away)|any good|suggest(?:ion|ions)? for|"
    r"which (?:tool|app|platform|service)|(?:tool|app|platform) (?:for|that)|"
    r"evaluating|shopping for|pricing for|vs\.?|versus|compare|comparison)\b",
    re.IGNORECASE,
)
_RT = re.compile(r"^RT @\w+:", re.IGNORECASE)


def question_intent(text: str) -> tuple[float, str | None]:
    """How much ``text`` reads like a question someone wants answered."""
    body = text.strip()
    if not body or _RT.match(body):
        return 0.0, None
    has_mark = "?" in body
    if has_mark and (_Q_START.search(body) or _Q_CUE.search(body)):
        return 0.9, "asks a question"
    if _Q_CUE.search(body):
        return 0.7, "asks for help"
    if has_mark:
        return 0.5, "ends with a question mark"
    return 0.0, None


def lead_intent(text: str) -> tuple[float, str | None]:
    """How much ``text`` reads like someone choosing a tool (a potential customer)."""
    body = text.strip()
    if not body or _RT.match(body):
        return 0.0, None
    hit = _LEAD.search(body)
    if hit is None:
        return 0.0, None
    strength = 0.9 if "?" in body else 0.6
    return strength, f"looking for a tool ('{hit.group(0).lower()}')"
