"""The outbox: every alert or digest is queued once per channel, then sent, retried or given up.

A message is a row keyed by (channel, kind, ref) -- an alert's id, a digest's UTC date -- so
running ``earful deliver`` twice never sends it twice. A failed send is retried with
exponential backoff (``outputs.retry_base_s`` * 2^(attempts-1), at most six hours, or the
network's own ``Retry-After`` when longer) until ``outputs.max_attempts`` attempts, after
which it is ``dead`` and stays visible in ``earful outbox`` and ``earful sources`` until
``earful outbox --retry ID``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from earful.errors import EarfulError, InputError, RateLimited

if TYPE_CHECKING:
    from earful.config import Config
    from earful.outputs.settings import Channel
    from earful.store.outputs import OutboxRow
    from earful.store.sqlite import SQLiteStore

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 6 * 3600.0
Sender = Callable[["Channel", "OutboxRow"], None]


@dataclass(slots=True)
class SendResult:
    id: int
    channel: str
    kind: str
    ref: str
    state: str
    error: str | None = None
    next_attempt_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


@dataclass(slots=True)
class ChannelStatus:
    """What ``earful sources`` shows for one delivery channel."""

    channel: str
    kind: str
    pending: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    last_sent_at: str | None = None
    last_error: str | None = None
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if k != "errors"}


def backoff_s(attempts: int, base: float) -> float:
    """Seconds before try ``attempts + 1`` after ``attempts`` failures (no jitter)."""
    return min(MAX_BACKOFF_S, base * 2.0 ** max(0, attempts - 1))


def send_due(
    store: SQLiteStore,
    config: Config,
    senders: dict[str, Sender],
    now: datetime,
) -> list[SendResult]:
    """Try every due message once; each outcome is committed before the next send."""
    from earful.store import outputs as db

    db.ensure_schema(store.conn)
    channels = {c.name: c for c in config.channels}
    results = []
    for row in db.due(store.conn, now):
        channel = channels.get(row.channel)
        if channel is None:
            error: str | None = f"channel {row.channel!r} is no longer in earful.toml"
            retry_after = None
        else:
            error, retry_after = _try(senders[channel.kind], channel, row)
        with store.transaction() as conn:
            if error is None:
                db.mark_sent(conn, row.id, now)
                results.append(SendResult(row.id, row.channel, row.kind, row.ref, "sent"))
                log.info("outbox: sent %s %s to %s", row.kind, row.ref, row.channel)
                continue
            attempts = row.attempts + 1
            next_at = None
            if channel is not None and attempts < config.outputs.max_attempts:
                wait = max(backoff_s(attempts, config.outputs.retry_base_s), retry_after or 0.0)
                next_at = now + timedelta(seconds=wait)
            db.mark_failed(conn, row.id, error, next_at)
        state = "failed" if next_at else "dead"
        log.warning("outbox: %s %s to %s %s: %s", row.kind, row.ref, row.channel, state, error)
        results.append(
            SendResult(
                row.id,
                row.channel,
                row.kind,
                row.ref,
                state,
                error,
                next_at.isoformat() if next_at else None,
            )
        )
    return results


def _try(sender: Sender, channel: Channel, row: OutboxRow) -> tuple[str | None, float | None]:
    try:
        sender(channel, row)
    except RateLimited as exc:
        return str(exc), exc.retry_after
    except EarfulError as exc:
        return str(exc), None
    return None, None


def status(store: SQLiteStore, config: Config) -> list[ChannelStatus]:
    """Counts per channel by state, the last send and the last error (for ``earful sources``)."""
    from earful.store import outputs as db

    db.ensure_schema(store.conn)
    out = {c.name: ChannelStatus(c.name, c.kind) for c in config.channels}
    rows = store.conn.execute(
        "SELECT channel, state, count(*), max(sent_at) FROM outbox GROUP BY channel, state"
    )
    for channel, state, count, sent_at in rows:
        st = out.setdefault(channel, ChannelStatus(channel, "(removed)"))
        setattr(st, state, count)
        if sent_at and (st.last_sent_at is None or sent_at > st.last_sent_at):
            st.last_sent_at = sent_at
    for channel, error in store.conn.execute(
        "SELECT channel, last_error FROM outbox WHERE state IN ('failed', 'dead')"
        " AND last_error IS NOT NULL ORDER BY id"
    ):
        out[channel].last_error = error
    return list(out.values())


def retry(store: SQLiteStore, row_id: int, now: datetime) -> None:
    """Send a failed or dead message again at the next delivery."""
    from earful.store import outputs as db

    with store.transaction() as conn:
        db.ensure_schema(conn)
        if not db.retry_now(conn, row_id, now):
            raise InputError(f"no failed outbox message {row_id}", field="id")


def messages(store: SQLiteStore, states: tuple[str, ...] | None = None) -> list[OutboxRow]:
    from earful.store import outputs as db

    db.ensure_schema(store.conn)
    for s in states or ():
        if s not in db.OUTBOX_STATES:
            raise InputError(f"unknown state {s!r} ({', '.join(db.OUTBOX_STATES)})", field="state")
    return db.list_outbox(store.conn, states or db.OUTBOX_STATES)
