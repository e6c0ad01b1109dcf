"""The ROI ledger: time spent on each action, against what came of it, week by week.

``log_action`` records an action (replied, filed, shared, followed, triaged) with the minutes
it took.
A reply to a queue item (target ``SOURCE:ID``) also marks that item answered; a follow of
``NETWORK:HANDLE`` also goes to the relationship log. ``roi`` adds up, per ISO week, the
minutes and the outcomes: answers sent, replies received (posts by others replying to your
own accounts, from the store), issues filed, follows and shares.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from earful.engage.common import all_own, own_handles
from earful.errors import InputError

if TYPE_CHECKING:
    from earful.config import Config
    from earful.store.sqlite import SQLiteStore

ACTIONS = ("replied", "filed", "shared", "followed", "triaged")
# Minutes a dashboard triage action (dismiss, snooze, acknowledge, rename ...) is logged with.
TRIAGE_MINUTES = 0.5
MAX_MINUTES = 24 * 60


def log_action(
    store: SQLiteStore,
    action: str,
    target: str = "",
    *,
    minutes: float,
    note: str = "",
    at: datetime | None = None,
) -> int:
    """Record one action and the minutes it took; returns the ledger row id."""
    if action not in ACTIONS:
        raise InputError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})", field="action")
    if not 0 <= minutes <= MAX_MINUTES:
        raise InputError(
            f"minutes must be between 0 and {MAX_MINUTES}, got {minutes}", field="minutes"
        )
    from earful.store.engage import add_ledger

    when = (at or datetime.now(UTC)).astimezone(UTC)
    with store.transaction() as conn:
        row = add_ledger(conn, when.isoformat(), action, minutes, target.strip(), note)
        if action == "replied" and ":" in target and store.get_post(*target.split(":", 1)):
            from earful.engage.queue import set_state

            set_state(store, target, "answered", now=when)
        if action == "followed" and ":" in target:
            from earful.engage.relations import log_relation

            network, handle = target.split(":", 1)
            log_relation(store, network, handle, "followed", note=note, at=when)
    return row


@dataclass(slots=True)
class Week:
    week: str  # the Monday, YYYY-MM-DD
    minutes: float = 0.0
    minutes_by_action: dict[str, float] = field(default_factory=dict)
    answers_sent: int = 0
    replies_received: int = 0
    issues_filed: int = 0
    follows: int = 0
    shares: int = 0
    triaged: int = 0  # time spent sorting (not an outcome)

    @property
    def outcomes(self) -> int:
        return (
            self.answers_sent
            + self.replies_received
            + self.issues_filed
            + self.follows
            + self.shares
        )

    @property
    def outcomes_per_hour(self) -> float | None:
        return round(self.outcomes / (self.minutes / 60.0), 2) if self.minutes > 0 else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "minutes": round(self.minutes, 1),
            "minutes_by_action": {k: round(v, 1) for k, v in self.minutes_by_action.items()},
            "answers_sent": self.answers_sent,
            "replies_received": self.replies_received,
            "issues_filed": self.issues_filed,
            "follows": self.follows,
            "shares": self.shares,
            "triaged": self.triaged,
            "outcomes": self.outcomes,
            "outcomes_per_hour": self.outcomes_per_hour,
        }


def _monday(d: date) -> str:
    return (d - timedelta(days=d.weekday())).isoformat()


def roi(
    store: SQLiteStore,
    config: Config | None = None,
    *,
    weeks: int = 8,
    now: datetime | None = None,
) -> list[Week]:
    """The last ``weeks`` ISO weeks (oldest first) up to ``now`` (default: the clock)."""
    from earful.store.engage import ledger

    end = (now or datetime.now(UTC)).astimezone(UTC)
    first = _monday((end - timedelta(weeks=weeks - 1)).date())
    table: dict[str, Week] = defaultdict(lambda: Week(""))
    counts = {
        "replied": "answers_sent",
        "filed": "issues_filed",
        "followed": "follows",
        "shared": "shares",
        "triaged": "triaged",
    }
    for row in ledger(store.conn):
        at = datetime.fromisoformat(row.at)
        week = _monday(at.date())
        if week < first or at > end:
            continue
        w = table[week]
        w.minutes += row.minutes
        w.minutes_by_action[row.action] = w.minutes_by_action.get(row.action, 0.0) + row.minutes
        setattr(w, counts[row.action], getattr(w, counts[row.action]) + 1)
    mine = all_own(own_handles(config))
    if mine:
        marks = ",".join("?" * len(mine))
        start_ts = int(
            datetime.combine(date.fromisoformat(first), datetime.min.time(), UTC).timestamp()
        )
        sql = (
            f"SELECT created_ts FROM posts WHERE reply_to_handle IN ({marks})"
            f" AND (author_handle IS NULL OR author_handle NOT IN ({marks}))"
            " AND created_ts >= ? AND created_ts <= ?"
        )
        params = [*sorted(mine), *sorted(mine), start_ts, int(end.timestamp())]
        for (ts,) in store.conn.execute(sql, params):
            table[_monday(datetime.fromtimestamp(int(ts), UTC).date())].replies_received += 1
    out = []
    day = date.fromisoformat(first)
    while day <= end.date():
        key = day.isoformat()
        w = table.get(key) or Week(key)
        w.week = key
        out.append(w)
        day += timedelta(days=7)
    return out
