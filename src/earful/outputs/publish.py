"""Publishing, only after explicit approval: replies to answer-queue items and posts from the
share queue, to Bluesky, Mastodon and X.

Nothing here runs on a schedule. Every call needs ``approved=True`` -- the CLI passes it after
the user confirms the exact text, the web UI after a button click -- else
:class:`NotApproved` is raised before any network call. Before a post that the coach
(:func:`earful.engage.coach.is_promo`) calls promotional would push an own account above
:data:`~earful.engage.coach.MAX_PROMO_SHARE`, :func:`promotion_warning` says so; the call
refuses unless ``acknowledge_coach=True`` (the CLI shows the warning and asks again). Each
post is recorded once per (network, kind, target) -- a second approval of the same reply is
refused. The record is reserved in the database before the network call, so two processes
cannot both send it (:mod:`earful.outputs.publish_state`; a send interrupted midway is refused
until the user checked the network and passes ``retry_interrupted=True``). Each post is logged
in the ROI ledger (``replied`` marks the queue item answered; ``shared`` takes the article off
the share queue).

Credentials (environment only): Bluesky ``EARFUL_BLUESKY_HANDLE`` + ``EARFUL_BLUESKY_APP_PASSWORD``
(``com.atproto.repo.createRecord``); Mastodon ``EARFUL_MASTODON_TOKEN`` with ``write:statuses``
(``POST /api/v1/statuses``); X a user-context OAuth 2 token in ``EARFUL_X_USER_TOKEN``
(``POST /2/tweets``; the app bearer token cannot post). Base URLs and ``*_env`` renames come
from ``[sources.NAME]`` as for collection.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from earful.errors import ConnectorError, DeliveryUnknown, EarfulError, InputError
from earful.outputs.publish_state import STALE_AFTER as STALE_AFTER
from earful.outputs.publish_state import PublishInProgress as PublishInProgress

if TYPE_CHECKING:
    from earful.connectors.base import BaseConnector
    from earful.connectors.http import HttpClient
    from earful.models import Post
    from earful.workspace import Workspace

NETWORKS = ("bluesky", "mastodon", "x")
LIMITS = {"bluesky": 300, "mastodon": 500, "x": 280}
_URL = re.compile(r"https?://[^\s<>\"']+")
log = logging.getLogger(__name__)


class NotApproved(EarfulError):
    """A post was attempted without the user's explicit approval (or past a coach warning)."""


@dataclass(frozen=True, slots=True)
class Published:
    network: str
    kind: str  # "reply" | "post"
    target: str
    remote_id: str
    url: str | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


def promotion_warning(workspace: Workspace, network: str, text: str, *, reply: bool) -> str | None:
    """The coach's warning if ``text`` is promotional and breaks an own account's ratio."""
    from earful.engage.coach import MAX_PROMO_SHARE, coach, is_promo
    from earful.formats.earful_jsonl import post_from_dict

    config = workspace.config
    accounts = [p for p in config.products if p.accounts.get(network)]
    if not accounts:
        return None
    names = tuple(n for p in accounts for n in p.names)
    draft: dict[str, Any] = {
        "source": network,
        "id": "draft",
        "created_at": datetime.now(UTC).isoformat(),
        "text": text,
    }
    if reply:
        draft["reply_to"] = {"post_id": "parent"}
    if not is_promo(post_from_dict(draft), names):
        return None
    for report in coach(workspace.store(), config):
        if report.network != network:
            continue
        promos, total = report.promo_last10 + 1, min(report.last10, 9) + 1
        if promos / total > MAX_PROMO_SHARE:
            return (
                f"the coach says this post is promotional: with it, {promos} of your last"
                f" {total} posts on @{report.handle} would promote {report.product}"
                f" (aim for at most {MAX_PROMO_SHARE:.0%})"
            )
    return None


def reply(
    workspace: Workspace,
    item: str,
    text: str,
    *,
    approved: bool,
    acknowledge_coach: bool = False,
    retry_interrupted: bool = False,
    minutes: float = 3.0,
    env: Mapping[str, str] | None = None,
    **http_options: Any,
) -> Published:
    """Reply to the stored post ``item`` (``SOURCE:ID``) on its own network.

    ``retry_interrupted=True`` sends even though an earlier publish of this reply was interrupted
    mid-send (:class:`PublishInProgress` with ``interrupted``): only after checking the network.
    """
    from earful.engage.queue import parse_key

    source, post_id = parse_key(item)
    post = workspace.store().get_post(source, post_id)
    if post is None:
        raise InputError(f"no stored post {item!r}", field="item")
    raw = workspace.store().get_raw(source, post_id)
    if raw and post.raw is None:
        import dataclasses
        import json

        post = dataclasses.replace(post, raw=json.loads(raw))
    if source not in NETWORKS:
        raise InputError(
            f"earful cannot reply on {source}; reply there: {post.url or item}", field="item"
        )
    return _publish(
        workspace,
        source,
        "reply",
        item,
        text,
        post,
        approved,
        acknowledge_coach,
        retry_interrupted,
        "replied",
        minutes,
        env,
        http_options,
    )


def post(
    workspace: Workspace,
    network: str,
    text: str,
    *,
    approved: bool,
    article: str | None = None,
    acknowledge_coach: bool = False,
    retry_interrupted: bool = False,
    minutes: float = 2.0,
    env: Mapping[str, str] | None = None,
    **http_options: Any,
) -> Published:
    """Post ``text`` (e.g. a share-queue draft for ``article``) as a new post on ``network``."""
    if network not in NETWORKS:
        raise InputError(
            f"unknown network {network!r} (one of {', '.join(NETWORKS)})", field="network"
        )
    target = article or "text:" + hashlib.sha256(text.encode()).hexdigest()[:16]
    return _publish(
        workspace,
        network,
        "post",
        target,
        text,
        None,
        approved,
        acknowledge_coach,
        retry_interrupted,
        "shared",
        minutes,
        env,
        http_options,
    )


def _publish(
    workspace: Workspace,
    network: str,
    kind: str,
    target: str,
    text: str,
    parent: Post | None,
    approved: bool,
    acknowledge_coach: bool,
    retry_interrupted: bool,
    action: str,
    minutes: float,
    env: Mapping[str, str] | None,
    http_options: dict[str, Any],
) -> Published:
    from earful.engage.ledger import log_action
    from earful.outputs import publish_state
    from earful.store import outputs as db

    text = text.strip()
    if not text:
        raise InputError("the text is empty", field="text")
    if len(text) > LIMITS[network]:
        raise InputError(
            f"{len(text)} characters; {network} allows {LIMITS[network]}", field="text"
        )
    if approved is not True:
        raise NotApproved("not posted: publishing needs explicit approval (approved=True)")
    warning = promotion_warning(workspace, network, text, reply=parent is not None)
    if warning and not acknowledge_coach:
        raise NotApproved(f"not posted: {warning}")
    store = workspace.store()
    db.ensure_schema(store.conn)
    claimed = publish_state.reserve(
        store, network, kind, target, text, retry_interrupted=retry_interrupted
    )
    try:
        connector = _connector(workspace, network, env, http_options)
        try:
            remote_id, url = _SENDERS[network](connector, text, parent)
        finally:
            connector.close()
    except DeliveryUnknown as exc:
        # The request may have gone out (a timeout after sending, a 5xx): keep the claim,
        # marked, so that the next try is refused as interrupted until the user has checked.
        publish_state.mark_unknown(store, network, kind, target, claimed)
        raise DeliveryUnknown(
            f"{exc}. Check {network} before publishing it again: the next try is refused as"
            " interrupted until you confirm it"
        ) from None
    except Exception:
        # Nothing was published (or the network said so): free the target for a retry. A
        # KeyboardInterrupt keeps the claim, since the post may be out; it reads as in progress,
        # then as interrupted.
        publish_state.release(store, network, kind, target, claimed)
        raise
    now = datetime.now(UTC)
    with store.transaction() as conn:
        if not db.finish_published(
            conn,
            network=network,
            kind=kind,
            target=target,
            text=text,
            remote_id=remote_id,
            remote_url=url,
            claimed_at=claimed,
            now=now,
        ):
            log.warning("%s %s: the reservation was taken over while sending", network, kind)
        log_action(store, action, target, minutes=minutes, note=url or remote_id, at=now)
    return Published(network, kind, target, remote_id, url, text)


def _connector(
    workspace: Workspace, network: str, env: Mapping[str, str] | None, http_options: dict[str, Any]
) -> BaseConnector:
    from earful.connectors import make_connector
    from earful.connectors.http import HttpClient

    probe = make_connector(network, workspace.config.sources.get(network), env)
    secrets = probe.secrets()
    if network == "x" and (token := probe.env.get(_x_user_var(probe))):
        secrets.append(token)
    # Rate-limit waits are capped (a 429 with a longer reset fails as RateLimited) so that a
    # send stays far shorter than publish_state.STALE_AFTER.
    defaults = {"max_retries": 3, "max_rate_wait": 60.0, "max_rate_retries": 2}
    http = HttpClient(
        network, base_url=probe.base_url, secrets=secrets, **{**defaults, **http_options}
    )
    return type(probe)(probe.settings, probe.env, http=http)


# -- networks ----------------------------------------------------------------------------------


def _bluesky(c: BaseConnector, text: str, parent: Post | None) -> tuple[str, str | None]:
    from earful.errors import AuthError

    http = c.http
    session = http.post_json(
        "/xrpc/com.atproto.server.createSession",
        json_body={"identifier": c.secret("handle"), "password": c.secret("app_password")},
    )
    access = session.get("accessJwt") if isinstance(session, Mapping) else None
    did = session.get("did") if isinstance(session, Mapping) else None
    if not isinstance(access, str) or not isinstance(did, str):
        raise AuthError("bluesky: the session response holds no access token or DID")
    http.add_secret(access)
    http.set_header("Authorization", f"Bearer {access}")
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "langs": ["en"],
    }
    if facets := _link_facets(text):
        record["facets"] = facets
    if parent is not None:
        record["reply"] = _bsky_reply_refs(http, parent)
    body = http.post_json(
        "/xrpc/com.atproto.repo.createRecord",
        json_body={"repo": did, "collection": "app.bsky.feed.post", "record": record},
        idempotent=False,
    )
    uri = body.get("uri") if isinstance(body, Mapping) else None
    if not isinstance(uri, str):
        raise ConnectorError("bluesky: createRecord returned no uri")
    return uri, f"https://bsky.app/profile/{did}/post/{uri.rsplit('/', 1)[-1]}"


def _bsky_reply_refs(http: HttpClient, parent: Post) -> dict[str, Any]:
    raw = parent.raw or {}
    cid = raw.get("cid")
    record = raw.get("record") if isinstance(raw.get("record"), Mapping) else {}
    if not isinstance(cid, str):
        found = http.get_json("/xrpc/app.bsky.feed.getPosts", params={"uris": parent.id})
        posts = found.get("posts") if isinstance(found, Mapping) else None
        if not posts:
            raise InputError(f"bluesky: {parent.id} no longer exists", field="item")
        cid, record = posts[0].get("cid"), posts[0].get("record") or {}
    parent_ref = {"uri": parent.id, "cid": cid}
    root = (record.get("reply") or {}).get("root") if isinstance(record, Mapping) else None
    if not (isinstance(root, Mapping) and root.get("uri") and root.get("cid")):
        root = parent_ref
    return {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent_ref}


def _link_facets(text: str) -> list[dict[str, Any]]:
    """Link facets with UTF-8 byte offsets, so URLs in the text are clickable."""
    out = []
    for m in _URL.finditer(text):
        start = len(text[: m.start()].encode())
        end = start + len(m.group(0).encode())
        out.append(
            {
                "index": {"byteStart": start, "byteEnd": end},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": m.group(0)}],
            }
        )
    return out


def _mastodon(c: BaseConnector, text: str, parent: Post | None) -> tuple[str, str | None]:
    http = c.http
    http.set_header("Authorization", f"Bearer {c.secret('token')}")
    payload: dict[str, Any] = {"status": text}
    if parent is not None:
        payload["in_reply_to_id"] = _mastodon_local_id(c, http, parent)
    # Mastodon answers a repeated Idempotency-Key (for an hour) with the status it already made,
    # so this create, unlike X's and Bluesky's, may be retried by the HTTP layer
    key = hashlib.sha256(f"{parent.id if parent else ''}\n{text}".encode()).hexdigest()
    body = http.post_json("/api/v1/statuses", json_body=payload, headers={"Idempotency-Key": key})
    if not isinstance(body, Mapping) or "id" not in body:
        raise ConnectorError("mastodon: the response is not a status")
    return str(body["id"]), body.get("url") if isinstance(body.get("url"), str) else None


def _mastodon_local_id(c: BaseConnector, http: HttpClient, parent: Post) -> str:
    """The parent's id on our instance: the stored id if it came from there, else resolved."""
    host, _, remote_id = parent.id.rpartition("/")
    if host == urlsplit(c.base_url).netloc and remote_id:
        return remote_id
    if not parent.url:
        raise InputError(f"mastodon: {parent.id} has no URL to resolve", field="item")
    found = http.get_json(
        "/api/v2/search",
        params={"q": parent.url, "type": "statuses", "resolve": "true", "limit": 1},
    )
    statuses = found.get("statuses") if isinstance(found, Mapping) else None
    if not statuses or not isinstance(statuses[0], Mapping) or "id" not in statuses[0]:
        raise InputError(f"mastodon: {parent.url} could not be resolved on {host}", field="item")
    return str(statuses[0]["id"])


def _x_user_var(c: BaseConnector) -> str:
    return c.settings.env.get("user_token", "EARFUL_X_USER_TOKEN")


def _x(c: BaseConnector, text: str, parent: Post | None) -> tuple[str, str | None]:
    from earful.errors import AuthError

    var = _x_user_var(c)
    token = c.env.get(var)
    if not token:
        raise AuthError(f"x: set the environment variable {var} (a user-context OAuth 2 token)")
    payload: dict[str, Any] = {"text": text}
    if parent is not None:
        payload["reply"] = {"in_reply_to_tweet_id": parent.id}
    body = c.http.post_json(
        "/2/tweets",
        json_body=payload,
        headers={"Authorization": f"Bearer {token}"},
        idempotent=False,
    )
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, Mapping) or "id" not in data:
        raise ConnectorError("x: the response holds no tweet id")
    return str(data["id"]), f"https://x.com/i/web/status/{data['id']}"


_SENDERS = {"bluesky": _bluesky, "mastodon": _mastodon, "x": _x}
