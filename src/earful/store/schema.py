"""The core schema: posts, authors, entities, the FTS5 index, labels, corrections, sync state."""

from __future__ import annotations

import sqlite3

from earful.store.migrations import migration

CORE_SCHEMA = """
CREATE TABLE authors (
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    handle TEXT NOT NULL,
    handle_norm TEXT NOT NULL,
    name TEXT,
    bio TEXT,
    followers INTEGER,
    following INTEGER,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source, id)
) WITHOUT ROWID;
CREATE INDEX authors_handle ON authors (handle_norm);

-- rowid is time-ordered: (created_ts << 20) | 20 bits of a hash of (source, id), probed on a
-- collision; so "newest first" is "rowid descending", which FTS5 can walk without sorting.
CREATE TABLE posts (
    rowid INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_ts INTEGER NOT NULL,
    text TEXT NOT NULL,
    norm TEXT NOT NULL,
    url TEXT,
    lang TEXT,
    author_id TEXT,
    author_handle TEXT,
    reply_to_id TEXT,
    reply_to_handle TEXT,
    quote_of TEXT,
    repost_of TEXT,
    conversation_id TEXT,
    likes INTEGER NOT NULL DEFAULT 0,
    reposts INTEGER NOT NULL DEFAULT 0,
    replies INTEGER NOT NULL DEFAULT 0,
    quotes INTEGER NOT NULL DEFAULT 0,
    hashtags TEXT NOT NULL DEFAULT '[]',
    mentions TEXT NOT NULL DEFAULT '[]',
    urls TEXT NOT NULL DEFAULT '[]',
    raw TEXT,
    imported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 0,
    UNIQUE (source, id)
);
CREATE INDEX posts_created ON posts (created_ts);
CREATE INDEX posts_author ON posts (author_handle);
CREATE INDEX posts_reply_handle ON posts (reply_to_handle);
CREATE INDEX posts_conversation ON posts (conversation_id);

-- hashtags and mentions folded; urls folded (substring search)
CREATE TABLE post_entities (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    post_rowid INTEGER NOT NULL,
    PRIMARY KEY (kind, value, post_rowid)
) WITHOUT ROWID;
CREATE INDEX post_entities_post ON post_entities (post_rowid);

-- posts.norm holds earful.text.tokens() joined by spaces, so the ascii tokenizer (which splits
-- on ASCII non-alphanumerics only) sees exactly our tokens: FTS and the matcher agree.
-- New rows are indexed by store.posts.upsert_posts in batches (faster than a trigger);
-- updates and deletes keep the index in step through triggers.
CREATE VIRTUAL TABLE posts_fts USING fts5(
    norm, content='posts', content_rowid='rowid', tokenize='ascii'
);
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, norm) VALUES ('delete', old.rowid, old.norm);
    DELETE FROM post_entities WHERE post_rowid = old.rowid;
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF norm ON posts WHEN old.norm IS NOT new.norm BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, norm) VALUES ('delete', old.rowid, old.norm);
    INSERT INTO posts_fts (rowid, norm) VALUES (new.rowid, new.norm);
END;

-- Model labels: one row per (post, field, value), stamped with the labeller and its version.
CREATE TABLE labels (
    post_rowid INTEGER NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    score REAL,
    labeller TEXT NOT NULL,
    version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (post_rowid, field, value)
) WITHOUT ROWID;
CREATE INDEX labels_field_value ON labels (field, value, post_rowid);
CREATE INDEX labels_labeller ON labels (labeller, version);

-- User corrections win over the model for their field.
CREATE TABLE corrections (
    post_rowid INTEGER NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (post_rowid, field, value)
) WITHOUT ROWID;
CREATE INDEX corrections_field_value ON corrections (field, value, post_rowid);

CREATE VIEW effective_labels AS
    SELECT post_rowid, field, value, NULL AS score, 'user' AS labeller FROM corrections
    UNION ALL
    SELECT l.post_rowid, l.field, l.value, l.score, l.labeller FROM labels AS l
    WHERE NOT EXISTS (
        SELECT 1 FROM corrections AS c WHERE c.post_rowid = l.post_rowid AND c.field = l.field
    );

-- Sync state: the high-water mark of each (watch, source), committed with its page of posts.
CREATE TABLE cursors (
    watch TEXT NOT NULL,
    source TEXT NOT NULL,
    cursor TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (watch, source)
) WITHOUT ROWID;

CREATE TABLE source_state (
    source TEXT PRIMARY KEY,
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    rate_limit TEXT,
    posts_collected INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    quota_used INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
"""


@migration("0001_core")
def core(conn: sqlite3.Connection) -> None:
    for statement in _statements(CORE_SCHEMA):
        conn.execute(statement)


@migration("0020_author_activity")
def author_activity(conn: sqlite3.Connection) -> None:
    """``authors.posts`` (the account's post count) and ``joined_at`` (its creation time), for
    the spam rule on bot-like posting rates; NULL where a network or an import gives none."""
    conn.execute("ALTER TABLE authors ADD COLUMN posts INTEGER")
    conn.execute("ALTER TABLE authors ADD COLUMN joined_at TEXT")


def _statements(script: str) -> list[str]:
    """Split a script into statements (trigger bodies kept whole)."""
    out: list[str] = []
    buf: list[str] = []
    for line in script.splitlines():
        if line.strip().startswith("--") or not line.strip():
            continue
        buf.append(line)
        joined = "\n".join(buf)
        if joined.rstrip().endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    if buf:
        out.append("\n".join(buf))
    return out
