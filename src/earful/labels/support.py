"""Support replies: a brand's customer-care account answering a customer is not customer feedback.

On X a product manager's stream carries the brand's own support replies ("Sorry to hear that!
Could you DM us your email? ^KM") beside the customers' posts. Read as a customer's words they
looked like feature requests, complaints and praise (labels 1.9.0 on the IBM customer-care
conversations: 395 of 1,139 agent turns a feature request, 280 a complaint). The fast model has a
``support_reply`` head (trained on the agents' and customers' turns of the ASAPP airline threads
plus ordinary tweets and app reviews, see ``training_data.support_task``) that sees these dense
cues beside the shared features: the airline agents' words alone did not carry over to other
companies' agents (recall 0.39 on the IBM agents), the register below does (0.68 at the shipped
threshold, precision 0.996). "We" is not a cue: teams write to a product as "we" too ("our
whole team cannot send photos"), and with it the head hid such app reviews' bug reports.

A post the head calls a support reply keeps its sentiment, question and spam labels but gets no
feedback type (bug, feature request, complaint, praise) and no lead flag.
"""

from __future__ import annotations

import re

SUPPORT_CUES = ("i_voice", "signoff", "help_phrase", "greeting")

# matched on the lower-cased text: faster than re.I (the four cues cost ~6 us a post)
_I = re.compile(r"\b(?:i|me|my|mine|i'm|i've|i'll|i'd|im|ive)\b")
# an agent's initials or name after a mark at the very end: "*TMT", "^Kristy", "- JB"
_SIGNOFF = re.compile(r"(?:[*^~]\s?[A-Za-z]{1,12}|\s[-\u2013\u2014]\s?[A-Z][A-Za-z]{0,12})\s*$")
_HELP = re.compile(
    r"\b(?:sorry (?:to hear|for|about|that)|(?:we |i )?apologi[sz]e|apologies|"
    r"(?:happy|glad|here) to help|(?:let|letting) us know|reach(?:ing)? out|"
    r"thanks? (?:you )?for (?:reaching|contacting|letting|the feedback|your patience|bringing)|"
    r"(?:send|shoot|drop) us an? (?:dm|direct message|private message|email)|dm us|"
    r"follow (?:and|&) dm|we(?:'d| would) (?:like|love) to|look into (?:this|it)|"
    r"(?:can|could|would) you (?:please )?(?:dm|send|share|confirm|let|provide|tell|try|check)|"
    r"please (?:contact|visit|try|check|follow|dm|send))\b"
)
# "@jane Hi Jane!" : a reply that greets the person it answers
_GREET = re.compile(
    r"^(?:@\w+\s+)+(?:hi|hey|hello|hiya|good (?:morning|afternoon|evening))\b[^.!?]{0,25}[,!.]",
    re.I,
)


def support_cues(text: str) -> list[float]:
    """Dense cues in :data:`SUPPORT_CUES` order: the first person singular (a customer's voice),
    a sign-off, customer-care phrasing, a greeting by name."""
    t = text.strip()
    low = t.lower()
    return [
        min(len(_I.findall(low)), 3) / 3.0,
        1.0 if _SIGNOFF.search(t[-24:]) else 0.0,
        min(len(_HELP.findall(low)), 2) / 2.0,
        1.0 if t.startswith("@") and _GREET.match(t) else 0.0,
    ]
