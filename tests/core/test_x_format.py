from __future__ import annotations

from earful.formats.x import x_lang, x_permalink


def test_permalink_with_and_without_handle() -> None:
    assert x_permalink("jdoe", "19") == "https://x.com/jdoe/status/19"
    assert x_permalink(None, "19") == "https://x.com/i/web/status/19"


def test_no_language_codes_become_none() -> None:
    assert [x_lang(v) for v in ("EN", "pt-BR", "und", "qme", "zxx", "", None)] == [
        "en",
        "pt-br",
        None,
        None,
        None,
        None,
        None,
    ]
