"""The reservation that makes a publish happen once, across processes.

Before the network call, :func:`reserve` claims the (network, kind, target) row of the
``published`` table as ``'sending'`` in its own short transaction, so the table's UNIQUE key is
taken before anything is sent: a second ``earful serve`` worker, or the CLI beside the
dashboard, finds the row and is refused. After the send the row becomes ``'sent'``
(:func:`earful.store.outputs.finish_published`, with the ledger row); if the send raised, the
claim is dropped (:func:`release`) so the user can try again -- unless it failed after the
request may have reached the network (:class:`~earful.errors.DeliveryUnknown`): then the claim
stays, marked (:func:`mark_unknown`), and reads as interrupted at once.

A ``'sending'`` row older than :data:`STALE_AFTER` belongs to a publish that never finished (the
process died or was stopped mid-send): the post may or may not be public. It is refused until
the user has checked the network and asks again with ``retry_interrupted=True``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from earful.errors import InputError, StoreError

if TYPE_CHECKING:
    from earful.store.sqlite import SQLiteStore

# Longer than any send: publishing caps rate-limit waits (see publish._connector), so even four
# tries of three requests each, with their timeouts and backoff, end well within it.
STALE_AFTER = timedelta(minutes=30)


class PublishInProgress(InputError):
    """A publish of this target holds its reservation (``interrupted`` False), or one was
    interrupted and may have reached the network (``interrupted`` True).

    ``detail`` says what happened without saying how to retry; each caller (library, CLI, web
    API) adds that in its own words. ``str()`` carries the library's.
    """

    def __init__(
        self,
        reason: str,
        *,
        interrupted: bool = False,
        claimed_at: datetime | None = None,
        detail: str | None = None,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = "target",
    ) -> None:
        self.interrupted = interrupted
        self.claimed_at = claimed_at
        self.detail = detail if detail is not None else reason
        super().__init__(reason, file=file, line=line, column=column, field=field)


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def reserve(
    store: SQLiteStore,
    network: str,
    kind: str,
    target: str,
    text: str,
    *,
    retry_interrupted: bool = False,
    now: datetime | None = None,
) -> datetime:
    """Claim (network, kind, target) before sending; returns the claim's time (its identity).

    Raises :class:`InputError` ("already published") if it was sent, :class:`PublishInProgress`
    if another publish holds it or one was interrupted (unless ``retry_interrupted``, which
    takes over a stale claim -- never a sent row, never a fresh claim).
    """
    from earful.store import outputs as db

    now = now or datetime.now(UTC)
    with store.transaction() as conn:
        if db.claim_published(conn, network=network, kind=kind, target=target, text=text, now=now):
            return now
        row = db.published_row(conn, network, kind, target)
        if row is None:  # cannot happen: the claim failed on this row in this transaction
            raise StoreError(f"published: no row for {network} {kind} {target}")
        if row.state == "sent":
            raise InputError(f"already published on {network} as {row.remote_id}", field="target")
        claimed = row.claimed_at or datetime.min.replace(tzinfo=UTC)
        if now - claimed < STALE_AFTER and not row.unknown:
            minutes = int(STALE_AFTER.total_seconds() // 60)
            reason = (
                f"a publish of this {kind} to {network} started at {_when(claimed)} and has not"
                f" finished (another earful process, or one stopped mid-send); nothing was sent"
                f" now. Try again later: after {minutes} minutes it counts as interrupted"
            )
            raise PublishInProgress(reason, claimed_at=row.claimed_at)
        if not retry_interrupted:
            how = "failed after sending" if row.unknown else "was interrupted"
            detail = (
                f"an earlier publish of this {kind} {how} at {_when(claimed)} and may"
                f" or may not have reached {network}: check there first"
            )
            raise PublishInProgress(
                f"{detail}; if it is not there, publish again with retry_interrupted=True",
                interrupted=True,
                claimed_at=row.claimed_at,
                detail=detail,
            )
        if not db.take_over_published(
            conn,
            network=network,
            kind=kind,
            target=target,
            text=text,
            claimed_before=claimed,
            now=now,
        ):  # cannot happen either: the row was read in this transaction
            raise StoreError(f"published: could not take over {network} {kind} {target}")
        return now


def release(store: SQLiteStore, network: str, kind: str, target: str, claimed: datetime) -> None:
    """Drop our claim after a failed send, so that the user can try again."""
    from earful.store import outputs as db

    with store.transaction() as conn:
        db.release_published(conn, network=network, kind=kind, target=target, claimed_at=claimed)


def mark_unknown(
    store: SQLiteStore, network: str, kind: str, target: str, claimed: datetime
) -> None:
    """Keep our claim after a send that may have published (see the module's docstring)."""
    from earful.store import outputs as db

    with store.transaction() as conn:
        db.mark_published_unknown(
            conn, network=network, kind=kind, target=target, claimed_at=claimed
        )
