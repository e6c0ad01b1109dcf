"""Inputs and outputs of the labellers: frozen, slotted dataclasses, no heavy imports."""

from __future__ import annotations

from dataclasses import dataclass, field

LABELLER_NAME = "earful-labels"
LABELLER_VERSION = "1.10.0"

SENTIMENTS = ("negative", "neutral", "positive")
FEEDBACK_TYPES = ("bug", "feature_request", "complaint", "praise", "question")


@dataclass(frozen=True, slots=True)
class AuthorInfo:
    """Optional author statistics; any field may be unknown (None)."""

    handle: str | None = None
    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    bio: str | None = None
    account_age_days: float | None = None
    verified: bool | None = None


@dataclass(frozen=True, slots=True)
class LabelInput:
    id: str
    text: str
    author: AuthorInfo | None = None
    # where it was posted (``x``, ``bluesky``, ``youtube``, ...), when known: on networks where
    # a link is how people share things (:data:`LINK_SHARING_SOURCES`) spam needs a shown reason
    source: str | None = None


# Sources whose posts sit on the author's own timeline or feed, where sharing a link is ordinary.
# The spam head learnt from YouTube comments, where an off-topic link is the mark of spam: alone
# it flagged 28 % of SemEval tweets (most carry a t.co link) as spam (docs/labels.md, "Spam").
LINK_SHARING_SOURCES = frozenset({"x", "bluesky", "mastodon", "reddit", "hn", "rss"})

# Sources whose posts are comments under someone else's content, where a link that leaves the
# platform is the mark of spam (``offsite_link`` fires on 124 YouTube comments, all spam).
# A post with no known source is judged as a comment too, as the spam head always has.
COMMENT_SOURCES = frozenset({"youtube"})


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """A configured product. ``examples`` are user corrections: (text, is_relevant)."""

    name: str
    aliases: tuple[str, ...] = ()
    about: str = ""
    competitors: tuple[str, ...] = ()
    examples: tuple[tuple[str, bool], ...] = ()

    @property
    def key(self) -> str:
        return product_key(self.name)


def product_key(name: str) -> str:
    """A product's name as labels store it: trimmed, lower case."""
    return name.strip().lower()


def relevance_field(product: str) -> str:
    """The label field of a product's relevance, ``relevant:<product_key>``: what the labeller
    writes and every reader (insights, answer queue, corrections) looks up."""
    return f"relevant:{product_key(product)}"


@dataclass(frozen=True, slots=True)
class Correction:
    """A user correction that the next training run consumes (``earful correct``)."""

    text: str
    # sentiment | complaint | question | lead | spam | support_reply | type | relevant:<product>
    field: str
    value: str


@dataclass(frozen=True, slots=True)
class LabelResult:
    id: str
    lang: str
    lang_score: float
    sentiment: str
    sentiment_score: float  # probability of the chosen class
    polarity: float  # P(positive) - P(negative), in [-1, 1]
    feedback: tuple[str, ...]
    complaint: bool
    complaint_score: float
    question: bool
    question_score: float
    lead: bool
    spam: bool
    spam_score: float
    spam_reasons: tuple[str, ...]
    relevant: bool | None = None
    relevance_score: float | None = None
    product: str | None = None
    type_scores: dict[str, float] = field(default_factory=dict)
    # written by a brand's customer-care account to a customer (earful.labels.support): such a
    # post gets no feedback type and no lead flag
    support_reply: bool = False
    support_score: float = 0.0

    def rows(self) -> list[tuple[str, str, float]]:
        """(field, value, score) rows for the store's label table."""
        out: list[tuple[str, str, float]] = [
            ("lang", self.lang, self.lang_score),
            ("sentiment", self.sentiment, self.sentiment_score),
            ("complaint", _b(self.complaint), self.complaint_score),
            ("question", _b(self.question), self.question_score),
            ("lead", _b(self.lead), 1.0),
            ("spam", _b(self.spam), self.spam_score),
            ("support_reply", _b(self.support_reply), self.support_score),
        ]
        # why a post is spam, stored beside the flag so the dashboard shows it (one row each)
        out.extend(("spam_reason", reason, 1.0) for reason in self.spam_reasons)
        for t in self.feedback:
            out.append(("type", t, self.type_scores.get(t, 1.0)))
        if self.relevant is not None and self.product is not None:
            out.append(
                (relevance_field(self.product), _b(self.relevant), self.relevance_score or 0.0)
            )
        return out

    def to_json(self) -> dict[str, object]:
        """The ``earful label`` output object (field order is part of the interface)."""
        out: dict[str, object] = {
            "id": self.id,
            "lang": self.lang,
            "sentiment": self.sentiment,
            "sentiment_score": round(self.sentiment_score, 4),
            "feedback": list(self.feedback),
            "complaint": self.complaint,
            "question": self.question,
            "lead": self.lead,
            "spam": self.spam,
            "spam_reasons": list(self.spam_reasons),
        }
        if self.relevant is not None:
            out["relevant"] = self.relevant
        return out


def _b(value: bool) -> str:
    return "true" if value else "false"
