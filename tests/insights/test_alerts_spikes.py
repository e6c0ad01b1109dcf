"""Phrase and product spikes: statistics, explanations and alert episodes."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from earful.insights.alert_stats import binom_sf, onset, poisson_sf, surprise
from earful.insights.alerts import detect_alerts, set_state
from earful.insights.spikes import fold
from earful.store.insights import ALERT_STATES, AlertRow, list_alerts

from .conftest import END, Ws, post, spread

BASE_START = END - timedelta(days=31)
WINDOW = END - timedelta(days=3)


def test_tails_match_closed_forms() -> None:
    assert binom_sf(3, 3, 0.1) == pytest.approx(0.001)
    assert binom_sf(1, 4, 0.5) == pytest.approx(1 - 0.5**4)
    assert binom_sf(0, 4, 0.5) == 1.0 and binom_sf(5, 4, 0.5) == 0.0
    assert poisson_sf(1, 2.0) == pytest.approx(1 - math.exp(-2.0))
    assert poisson_sf(2, 0.5) == pytest.approx(1 - math.exp(-0.5) * 1.5)
    # far in the tail the direct sum keeps its precision (1 - cdf would give 0)
    far = poisson_sf(60, 5.0)
    assert 0 < far < 1e-30
    assert surprise(far) == 30.0 and surprise(0.01) == 2.0


def test_word_forms_are_counted_together() -> None:
    assert fold("lost bags") == fold("lost bag") == "lost bag"
    assert fold("crashes") == fold("crashe")
    assert fold("bus pass status") == "bus pass status"  # not plurals
    assert fold("was its") == "was its"  # too short to tell


def test_onset_finds_where_the_excess_begins() -> None:
    quiet = [0, 10_000, 20_000]
    busy = [50_000 + 500 * i for i in range(20)]
    assert onset(quiet + busy, rate=3 / 60_000, end=60_000) == 50_000
    assert onset([5, 7], rate=0.0, end=10) == 5  # nothing expected: the first post


def _background(ws: Ws, days: int = 31) -> None:
    start = END - timedelta(days=days)
    for topic in ("sync", "darkmode", "pricing"):
        ws.add(spread(topic, 2 * days, start, days, "base"))


def test_phrase_that_existed_before_and_grows_is_a_spike(ws: Ws) -> None:
    _background(ws)
    # "webhook retries" was heard now and then (7 people in 4 weeks) ...
    ws.add([post("webhook", BASE_START + timedelta(days=4 * i), f"old{i}", n=i) for i in range(7)])
    # ... and now 14 people in 3 days
    ws.add([post("webhook", WINDOW + timedelta(hours=5 * i), f"new{i}", n=i) for i in range(14)])
    alerts = detect_alerts(ws.store, ws.config, now=END)
    spikes = [a for a in alerts if a.kind == "phrase_spike"]
    assert len(spikes) == 1, [(a.kind, a.subject) for a in alerts]
    a = spikes[0]
    assert "webhook" in a.subject or "retries" in a.subject
    e = a.explanation
    assert e["authors"] == 14 and e["author_days"] == 14
    assert 0 < e["expected_authors"] < 14 / 2  # the baseline level, in the window, with growth
    assert e["growth"] == pytest.approx(14 / e["expected_authors"], rel=0.01)
    assert e["baseline_author_days"] == 7
    assert 0 < e["p_value"] < 0.01 / e["phrases_tested"]
    assert e["surprise"] > 2
    assert "grew" in e["what"] and e["phrases"][0] in e["what"]
    assert {"webhook", "retries", "webhook retries"} <= set(e["phrases"])
    assert e["since"] >= WINDOW.isoformat()
    assert len({x["author"] for x in e["examples"]}) == 3
    assert all(x["author"].startswith("new") for x in e["examples"])
    # the steady topics raise nothing
    assert not [x for x in alerts if x.kind == "phrase_spike" and "sync" in x.subject]


def test_steady_phrases_raise_no_spike(ws: Ws) -> None:
    _background(ws)
    ws.add(spread("webhook", 31, END - timedelta(days=31), 31, "steady"))
    alerts = detect_alerts(ws.store, ws.config, now=END)
    assert not [a for a in alerts if a.kind in ("phrase_spike", "product_spike")]


def test_product_volume_spike_explains_itself(ws: Ws) -> None:
    _background(ws)
    # three times the usual posts about the product, spread over many topics and people
    extra = []
    for topic in ("sync", "darkmode", "pricing"):
        extra += spread(topic, 12, WINDOW, 3, f"loud{topic}")
    ws.add(extra)
    alerts = detect_alerts(ws.store, ws.config, now=END)
    (a,) = [a for a in alerts if a.kind == "product_spike"]
    e = a.explanation
    assert a.subject == "Widgety" and e["metric"] == "volume"
    assert e["author_days"] == 18 + 36
    assert 15 < e["expected_author_days"] < 25  # 6 a day, weekday- and trend-adjusted
    assert e["robust_z"] >= 3.5 and e["p_value"] <= 0.01
    assert "Widgety" in e["what"] and e["window"][1] == END.isoformat()
    assert len(e["examples"]) == 3


def test_negative_share_spike(ws: Ws) -> None:
    start = END - timedelta(days=31)
    # the same topics at the same volume, but what was praise is now complaint
    ws.add(spread("darkmode", 56, start, 28, "happy"), sentiment="positive")
    ws.add(spread("darkmode", 6, WINDOW, 3, "unhappy"), sentiment="negative")
    ws.add(spread("sync", 31, start, 31, "sad"), sentiment="negative")
    alerts = detect_alerts(ws.store, ws.config, now=END)
    assert [(a.kind, a.explanation.get("metric")) for a in alerts] == [
        ("product_spike", "negative_share")
    ]
    e = alerts[0].explanation
    assert e["negative_share"] == 1.0 and 0.25 < e["baseline_share"] < 0.45
    assert e["author_days"] == 9 and e["robust_z"] >= 3.5
    assert "usually" in e["what"] and "Widgety" in e["what"]


def test_product_spike_that_one_issue_explains_is_folded_into_it(ws: Ws) -> None:
    start = END - timedelta(days=31)
    ws.add(spread("darkmode", 2 * 31, start, 31, "happy"), sentiment="positive")
    ws.add(spread("sync", 31, start, 31, "sad"), sentiment="negative")
    ws.add(spread("pricing", 12, WINDOW, 3, "angry"), sentiment="negative")  # new, and negative
    alerts = detect_alerts(ws.store, ws.config, now=END)
    assert [a.kind for a in alerts] == ["novel_phrase"]
    e = alerts[0].explanation
    assert "price" in " ".join(e["phrases"])
    assert e["product_negative_share"]["author_days"] == 12 + 3
    assert e["product_volume"]["p_value"] <= 0.01


def _webhook(alerts: list[AlertRow]) -> list[AlertRow]:
    return [a for a in alerts if "webhook retries" in a.explanation.get("phrases", [])]


def test_same_issue_in_a_later_window_is_a_new_alert(ws: Ws) -> None:
    _background(ws, days=45)
    ws.add([post("webhook", WINDOW + timedelta(hours=6 * i), f"a{i}", n=i) for i in range(6)])
    first = _webhook(detect_alerts(ws.store, ws.config, now=END))
    assert [a.kind for a in first] == ["novel_phrase"]
    # the next run, an hour later, overlaps: the same alert, updated
    again = detect_alerts(ws.store, ws.config, now=END + timedelta(hours=1))
    assert [a.id for a in _webhook(again)] == [first[0].id]
    set_state(ws.store, first[0].id, "resolved")
    # two weeks later it comes back, much louder: it existed before, so a spike, and a new alert
    later = END + timedelta(days=14)
    ws.add(spread("sync", 28, END, 14, "more") + spread("darkmode", 28, END, 14, "more"))
    ws.add([post("webhook", later - timedelta(hours=5 * i), f"b{i}", n=i) for i in range(12)])
    now = _webhook(detect_alerts(ws.store, ws.config, now=later))
    assert len(now) == 1 and now[0].id != first[0].id and now[0].kind == "phrase_spike"
    old = [a for a in list_alerts(ws.store.conn, ALERT_STATES) if a.id == first[0].id]
    assert old[0].state == "resolved"  # the earlier episode stays closed


def test_novelty_needs_more_authors_where_new_words_are_common(ws: Ws) -> None:
    _background(ws)
    # in each of the three 3-day stretches before the window, two words nobody used before are
    # each used by three people: here a new word with three or four authors is not yet news
    churn = []
    for j in range(3):
        start = WINDOW - timedelta(days=3 * (j + 1))
        for w in range(2):
            word = f"zorblat{'abc'[j]}{'xy'[w]}"
            churn += [
                post(
                    "sync",
                    start + timedelta(hours=10 * i + w),
                    f"c{j}{w}{i}",
                    text=f"Widgety {word}",
                )
                for i in range(3)
            ]
    ws.add(churn)

    def novel() -> list[AlertRow]:
        alerts = detect_alerts(ws.store, ws.config, now=END)
        return [a for a in alerts if "quuxify" in a.explanation.get("phrases", [])]

    ws.add(
        [
            post("sync", WINDOW + timedelta(hours=i), f"q{i}", text="Widgety quuxify")
            for i in range(4)
        ]
    )
    assert novel() == []
    ws.add([post("sync", WINDOW + timedelta(hours=9), "q9", text="Widgety quuxify")])
    (a,) = novel()
    assert a.kind == "novel_phrase" and a.explanation["novelty_floor"] == 5
    assert a.explanation["authors"] == 5
