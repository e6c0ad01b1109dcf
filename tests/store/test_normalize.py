"""normalize() folds word by word with a cache; it must equal folding the whole text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from earful.text import normalize, tokens

# Letters with and without diacritics, combining marks, compatibility forms, Greek sigma,
# dotted I, Hangul jamo, ligatures, digits, punctuation and several kinds of space.
ALPHABET = (
    "aAzZ09_-.'#@ \t\n\u00a0\u2003éÉüÜñßẞﬁﬀİ\u0131\u03a3\u03c3\u03c2\u0391\u1f48"
    "\u0301\u0308\u0327\u0345"
    "①²½ｆｕｌｌ\u1100\u1161\u11a8한국\u3000\u200d\ufe0f😀Å\u212b\u2126"
)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40) | st.text(max_size=40))
def test_normalize_equals_tokens_of_whole_text(text: str) -> None:
    assert normalize(text) == " ".join(tokens(text))
