"""Language identification (ISO 639-1) with py3langid's bundled offline model."""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

from earful.labels.features import MENTION_RE, URL_RE

UNDETERMINED = "und"
_HASHTAG = re.compile(r"[#$]\w+")
_LETTER = re.compile(r"[^\W\d_]")
_lock = threading.Lock()


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, confidence); ``und`` when there are too few letters to judge."""
    clean = _HASHTAG.sub(" ", MENTION_RE.sub(" ", URL_RE.sub(" ", text)))[:400]
    if len(_LETTER.findall(clean)) < 3:
        return UNDETERMINED, 0.0
    with _lock:
        ident = _identifier()
    lang, conf = ident.classify(clean)
    return str(lang), float(conf)
