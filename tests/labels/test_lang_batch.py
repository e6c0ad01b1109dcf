"""The vectorised language detector agrees with py3langid's own per-text ``classify``."""

from __future__ import annotations

import pytest

from earful.labels.lang import UNDETERMINED, detect, detect_batch

TEXTS = [
    "I love the new dashboard, it is so much faster now!",
    "Bonjour, comment ça va? Le produit est génial!",
    "¿Dónde está la aplicación? No funciona nada desde ayer",
    "Das ist ein Fehler in der App, bitte reparieren",
    "これはテストです。アプリが動きません",
    "Привет, приложение снова не работает",
    "@acme ok",
    "",
    "12 34 !!",
    "ab",
    "http://example.com/only-a-link #tag @user",
    "ÉCOLE FERMÉE AUJOURD'HUI",
    "x" * 3000,
]


def test_batch_matches_single() -> None:
    batch = detect_batch(TEXTS)
    single = [detect(t) for t in TEXTS]
    assert [b[0] for b in batch] == [s[0] for s in single]
    # py3langid scores in float32, the batch in float64
    assert [b[1] for b in batch] == pytest.approx([s[1] for s in single], abs=1e-5)
    assert batch[0][0] == "en" and batch[1][0] == "fr" and batch[4][0] == "ja"
    assert batch[6] == (UNDETERMINED, 0.0) and batch[7] == (UNDETERMINED, 0.0)


def test_batch_order_independent() -> None:
    rev = detect_batch(TEXTS[::-1])
    assert rev[::-1] == detect_batch(TEXTS)
    assert detect_batch([]) == []


def test_codes_are_iso_639_1() -> None:
    # py3langid 0.4 also knows languages with only ISO 639-3 codes (pcm, yue, zxx, ...): the
    # label is ISO 639-1, so those classes are left out and their text goes to a listed language
    from earful.labels.lang import _identifier

    assert all(len(c) == 2 for c in _identifier().nb_classes)
    pidgin = "We dey go market tomorrow"  # unrestricted: pcm
    got = detect_batch([*TEXTS, pidgin])
    assert all(code == UNDETERMINED or len(code) == 2 for code, _ in got)
    assert got[-1][0] == "en" and detect(pidgin)[0] == "en"
