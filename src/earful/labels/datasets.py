"""Loaders for the labelled sets under ``../shared/data`` (training and evaluation only).

Nothing here runs at labelling time. Every loader returns plain lists, deduplicated, with the
noise handling documented in ``docs/labels.md`` applied in one place.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SENTIMENT_LABELS = ("negative", "neutral", "positive")


def data_root() -> Path:
    env = os.environ.get("EARFUL_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent.parent / "shared" / "data"
        if cand.is_dir():
            return cand
    return Path("/work/shared/data")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str
    group: str = ""
    weight: float = 1.0


def _dedupe(rows: list[Example]) -> list[Example]:
    """Drop exact-duplicate texts; a text seen with conflicting labels is dropped entirely."""
    labels: dict[str, set[str]] = {}
    for r in rows:
        labels.setdefault(r.text.strip(), set()).add(r.label)
    seen: set[str] = set()
    out: list[Example] = []
    for r in rows:
        key = r.text.strip()
        if key in seen or len(labels[key]) > 1:
            continue
        seen.add(key)
        out.append(r)
    return out


_U_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def decode_u_escapes(text: str) -> str:
    """Literal ``\\u2019``-style escapes (as in SemEval's files) decoded; other text kept."""
    return _U_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _read_semeval(path: Path, label_col: int = 1) -> list[Example]:
    """A SemEval task 4A file: ``id<TAB>label<TAB>text`` (tweets; a text wrapped in double quotes
    is unwrapped) or, with ``label_col=2``, ``id<TAB>id<TAB>label<TAB>text`` (the SMS and
    LiveJournal files, whose literal ``\\u002c`` / ``\\u2019`` escapes are decoded)."""
    out: list[Example] = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < label_col + 2 or parts[label_col] not in SENTIMENT_LABELS:
                continue
            text = parts[label_col + 1].strip()
            if label_col == 2:
                text = decode_u_escapes(text)
            elif len(text) >= 2 and text[0] == '"' and text[-1] == '"':
                text = text[1:-1]
            out.append(Example(html.unescape(text), parts[label_col], path.stem))
    return out


def tweeteval_val() -> list[Example]:
    root = data_root() / "tweeteval" / "sentiment"
    texts = (root / "val_text.txt").read_text(encoding="utf-8").splitlines()
    labels = (root / "val_labels.txt").read_text(encoding="utf-8").split()
    return [
        Example(t, SENTIMENT_LABELS[int(y)], "tweeteval_val")
        for t, y in zip(texts, labels, strict=True)
    ]


_KEY_URL = re.compile(r"(?:https?://|www\.)\S+|\bhttp\b")
_KEY_MENTION = re.compile(r"@\w+")
_KEY_OTHER = re.compile(r"[^a-z0-9]+")


def _key(text: str) -> str:
    """Match key robust to TweetEval's anonymisation (@user, http) and punctuation changes."""
    t = _KEY_MENTION.sub("", _KEY_URL.sub("", text.lower()))
    return _KEY_OTHER.sub("", t)


HARD_DEV_FILE = "twitter-2016test-A"


def semeval_sentiment() -> tuple[list[Example], list[Example]]:
    """(train, hard_dev): twitter-* files but 2016test (the dev); TweetEval val tweets removed."""
    root = data_root() / "semeval2017_task4a_train"
    val_keys = {_key(e.text) for e in tweeteval_val()}
    train: list[Example] = []
    dev: list[Example] = []
    for path in sorted(root.glob("twitter-*.txt")):
        rows = [r for r in _read_semeval(path) if _key(r.text) not in val_keys]
        (dev if path.stem == HARD_DEV_FILE else train).extend(rows)
    dev_keys = {_key(e.text) for e in dev}
    train = [r for r in train if _key(r.text) not in dev_keys]
    return _dedupe(train), _dedupe(dev)


OTHER_DOMAIN_FILES = ("sms-2013test-A.tsv", "livejournal-2014test-A.tsv")


def semeval_other_domains() -> list[Example]:
    """SemEval 2013 SMS and 2014 LiveJournal sentences (same three labels, not tweets)."""
    root = data_root() / "semeval2017_task4a_train"
    rows: list[Example] = []
    for name in OTHER_DOMAIN_FILES:
        rows.extend(_read_semeval(root / name, label_col=2))
    return _dedupe(rows)


def airline() -> list[Example]:
    """Airline tweets, deduplicated on tweet id; weight = CrowdFlower confidence, < 0.5 dropped."""
    path = data_root() / "airline_sentiment" / "Tweets.csv"
    out: list[Example] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["tweet_id"] in seen:
                continue
            seen.add(row["tweet_id"])
            conf = float(row["airline_sentiment_confidence"] or 0)
            if conf < 0.5:
                continue
            out.append(
                Example(html.unescape(row["text"]), row["airline_sentiment"], row["airline"], conf)
            )
    return _dedupe(out)


def complaints(include_random: bool = True) -> list[Example]:
    path = data_root() / "complaints_tweets" / "complaints-data.csv"
    out: list[Example] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 4 or row[2] not in ("0", "1"):
                continue
            if not include_random and row[3].startswith("random"):
                continue
            out.append(Example(html.unescape(row[1]), row[2], row[3]))
    return _dedupe(out)


def tweet_acts() -> list[Example]:
    path = data_root() / "tweet_acts" / "TWEET_DATA.csv"
    out: list[Example] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 2:
                continue
            text = row[0].replace("\\u2026", "\u2026")
            out.append(Example(html.unescape(text), row[1].strip()))
    return _dedupe(out)


def youtube_spam() -> list[Example]:
    """Comments with group = video; DATE is never read (it leaks the label in one file)."""
    root = data_root() / "youtube_spam"
    out: list[Example] = []
    for path in sorted(root.glob("Youtube*.csv")):
        video = path.stem.split("-", 1)[-1]
        rows: list[Example] = []
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                text = html.unescape(row["CONTENT"]).replace("\ufeff", "").strip()
                rows.append(Example(text, row["CLASS"].strip(), video))
        out.extend(_dedupe(rows))
    return out


_AUGMENT_MARKERS = ("atomic_number", "wherefore", "_")


def app_reviews_4class() -> list[Example]:
    """Weak labels; rows carrying synonym-replacement artifacts are dropped, duplicates removed."""
    path = data_root() / "app_reviews_4class" / "reviews_4class.csv"
    out: list[Example] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = row["review"].strip()
            if not text or any(m in text for m in _AUGMENT_MARKERS):
                continue
            out.append(Example(text, row["label"].strip(), "app_reviews_4class", 0.7))
    return _dedupe(out)


def shah_sentences() -> list[Example]:
    """SHAH sentences; label = distinct aspect classes joined by ';' or 'none'; group = app."""
    path = data_root() / "app_review_requirements" / "shah_union_sentences.csv"
    out: list[Example] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            label = row["aspect_classes"].strip() or "none"
            out.append(Example(row["text"].strip(), label, row["app"]))
    return _dedupe(out)


def p_golden(which: str) -> list[Example]:
    path = data_root() / "app_review_requirements" / f"{which}-Golden.csv"
    out: list[Example] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.append(Example(row["reviews"].strip(), str(row["Judgement"]).strip(), which))
    return _dedupe(out)


_ASAPP_TURN = re.compile(r"<(rep|cust)__\s+(.*?)\s+__\1>", re.S)


def _asapp_raw_turns() -> Iterator[tuple[str, str]]:
    """(``agent`` or ``customer``, text) of every turn of the ASAPP airline support threads in
    file order, handles as @mentions (``__company__`` -> ``@company``, ``__cust__`` ->
    ``@user``); turns of fewer than three words dropped; not deduplicated."""
    import bz2

    path = data_root() / "customer_support_airlines_asapp" / "airlines_raw.csv.bz2"
    with bz2.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for kind, turn in _ASAPP_TURN.findall(row["first_utterance"] + " " + row["context"]):
                text = turn.replace("__company__", "@company").replace("__cust__", "@user")
                if len(text.split()) >= 3:
                    yield ("agent" if kind == "rep" else "customer"), text.strip()


def asapp_turns() -> list[Example]:
    """Every turn of the ASAPP airline support threads, label ``agent`` (the airline's
    customer-care account) or ``customer`` (see :func:`_asapp_raw_turns`); duplicates and
    texts seen in both roles removed, file order."""
    return _dedupe([Example(text, role, "asapp") for role, text in _asapp_raw_turns()])


def care_turns() -> list[Example]:
    """The IBM customer-care conversations (25 companies' support accounts on X), every turn
    labelled ``agent`` or ``customer``, group = the company: never trained on (the support
    head's out-of-domain test)."""
    out: list[Example] = []
    for split in ("dev.json", "test.json"):
        path = data_root() / "customer_support_ibm_cdp" / split
        for conv in json.loads(path.read_text(encoding="utf-8")):
            company = conv["dialogHeader"]["company"]
            for t in conv["dialogContent"]:
                label = "agent" if "agent" in t else "customer"
                out.append(Example(t["message"].strip(), label, company))
            out.append(Example(conv["agentURL"]["url_utterance"].strip(), "agent", company))
    return _dedupe(out)


def unlabelled_tweets(limit_asapp: int = 40_000) -> list[tuple[str, str]]:
    """(domain, text) of tweets without sentiment labels, for distillation: the customers' turns
    of the ASAPP airline support threads (TWCS; ``__company__`` becomes an @mention) and the
    TweetEval irony and offensive tweets (all splits; their labels are not sentiment and are
    not read).

    Texts that also appear in any SemEval sentiment file, TweetEval sentiment val or
    airline_sentiment are removed (matched like TweetEval val), so no evaluation tweet enters
    training this way. Deduplicated, in file order; at most ``limit_asapp`` ASAPP turns."""
    root = data_root()
    asapp = [text for role, text in _asapp_raw_turns() if role == "customer"]
    texts = [("asapp", t) for t in list(dict.fromkeys(asapp))[:limit_asapp]]
    for task in ("irony", "offensive"):
        for split in ("train", "val", "test"):
            lines = (root / "tweeteval" / task / f"{split}_text.txt").read_text(encoding="utf-8")
            texts.extend(("tweeteval", t.strip()) for t in lines.splitlines() if t.strip())
    train, dev = semeval_sentiment()
    held = train + dev + semeval_other_domains() + tweeteval_val() + airline()
    keys = {_key(e.text) for e in held}
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for domain, t in texts:
        k = _key(t)
        if k and k not in keys and k not in seen:
            seen.add(k)
            out.append((domain, t))
    return out
