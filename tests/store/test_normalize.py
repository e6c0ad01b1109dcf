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


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab1 #\uff03@.:/_-https", max_size=30))
def test_entity_shortcuts_match_the_regexes(text: str) -> None:
    from earful import text as t

    assert t.extract_hashtags(text) == t._unique(m.group(1) for m in t._HASHTAG.finditer(text))
    assert t.extract_mentions(text) == t._unique(m.group(1) for m in t._MENTION.finditer(text))
    urls = [m.group(0).rstrip(t._URL_TRAIL) for m in t._URL.finditer(text)]
    assert t.extract_urls(text) == t._unique(u for u in urls if len(u) > len("https://"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=8), max_size=4))
def test_entity_lists_are_json(values: list[str]) -> None:
    import json

    from earful.store.posts import _json_list

    assert _json_list(tuple(values)) == json.dumps(values, ensure_ascii=False)
