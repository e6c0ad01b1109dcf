"""Pydantic models at the API's edge: what comes in is validated, what goes out is documented."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class LabelOut(BaseModel):
    field: str
    value: str
    score: float | None = None
    labeller: str = Field(description="'user' for a correction, else the model's name")


class LinkOut(BaseModel):
    url: str
    final_url: str | None = None
    title: str | None = None
    site: str | None = None


class AuthorOut(BaseModel):
    id: str
    handle: str
    name: str | None = None
    followers: int | None = None


class PostOut(BaseModel):
    source: str
    id: str
    created_at: str
    text: str
    url: str | None = None
    lang: str | None = None
    author: AuthorOut | None = None
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    labels: list[LabelOut] = []
    links: list[LinkOut] = []


class SearchOut(BaseModel):
    query: str
    order: str
    limit: int
    offset: int
    has_more: bool
    items: list[PostOut]


class ValidateOut(BaseModel):
    ok: bool
    error: str | None = None
    column: int | None = None


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    values: list[str] = Field(
        max_length=20, description="The corrected values; an empty list removes the correction"
    )


class SourceOut(BaseModel):
    source: str
    configured: bool
    base_url: str | None = None
    credentials: dict[str, bool] = Field(
        default={}, description="env var name → whether it is set (values are never shown)"
    )
    last_success: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    rate_limit: dict[str, Any] | None = None
    posts_collected: int = 0
    requests: int = 0
    quota_used: int = 0


class CursorOut(BaseModel):
    watch: str
    source: str
    cursor: dict[str, Any]
    updated_at: str


class SourcesOut(BaseModel):
    sources: list[SourceOut]
    cursors: list[CursorOut]


class ProductOut(BaseModel):
    name: str
    aliases: list[str]
    description: str
    competitors: list[str]
    accounts: dict[str, list[str]]


class WatchOut(BaseModel):
    name: str
    query: str
    sources: list[str]


class SettingsOut(BaseModel):
    name: str
    products: list[ProductOut]
    watches: list[WatchOut]
    toml: str


class SettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    toml: str = Field(max_length=200_000, description="The full new earful.toml")


class SeriesOut(BaseModel):
    days: list[str]
    volume: dict[str, dict[str, int]]
    sentiment: dict[str, dict[str, int]]


class ErrorOut(BaseModel):
    error: str
    line: int | None = None
    column: int | None = None
    field: str | None = None


Order = Literal["newest", "oldest", "popular"]
