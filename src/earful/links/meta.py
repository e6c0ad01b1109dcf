"""Page metadata (title, description, site name, canonical link) from HTML, decoded by charset.

The parser is the standard library's tolerant :class:`html.parser.HTMLParser`: broken markup
never raises. Entities are decoded and tags inside values are kept as literal text, so a title
is always plain text (escape it where it is shown). Control characters are removed, whitespace
collapsed and lengths capped.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

_CHARSET_HEADER = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")

TITLE_MAX = 300
DESCRIPTION_MAX = 1000


@dataclass(frozen=True, slots=True)
class PageMeta:
    title: str | None = None
    description: str | None = None
    site_name: str | None = None
    canonical: str | None = None


def clean_text(value: str | None, limit: int) -> str | None:
    """Plain, single-line text without control or bidi-override characters, at most ``limit``."""
    if value is None:
        return None
    text = _SPACE.sub(" ", _CONTROL.sub(" ", value)).strip()
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def charset_of(content_type: str | None, body: bytes) -> str:
    """The body's encoding: BOM, Content-Type charset, ``<meta charset>``, else UTF-8."""
    boms = (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    )
    for bom, name in boms:
        if body.startswith(bom):
            return name
    candidates: list[str] = []
    if content_type:
        m = _CHARSET_HEADER.search(content_type)
        if m:
            candidates.append(m.group(1))
    m2 = _META_CHARSET.search(body[:4096])
    if m2:
        candidates.append(m2.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            return codecs.lookup(name).name
        except LookupError:
            continue
    return "utf-8"


def decode_html(body: bytes, content_type: str | None) -> str:
    encoding = charset_of(content_type, body)
    text = body.decode(encoding, errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.title_done = False
        self.in_title = False
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "title" and not self.title_done:
            self.in_title = True
        elif self.in_title:
            self.title_parts.append(self.get_starttag_text() or "")
        elif tag == "meta":
            key = (values.get("property") or values.get("name") or "").strip().lower()
            if key and "content" in values:
                self.meta.setdefault(key, values["content"])
        elif tag == "link" and self.canonical is None:
            rels = values.get("rel", "").lower().split()
            if "canonical" in rels and values.get("href"):
                self.canonical = values["href"].strip()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.in_title:
            self.in_title = False
            self.title_done = True
        elif self.in_title:
            self.title_parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)


def parse_meta(html: str, base_url: str | None = None) -> PageMeta:
    """Title, description, site name and canonical URL, preferring OpenGraph over plain tags."""
    parser = _MetaParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # very old Pythons could raise on broken markup
        pass
    meta = parser.meta
    title = "".join(parser.title_parts) if parser.title_parts else None
    canonical = parser.canonical or meta.get("og:url")
    if canonical is not None:
        canonical = urljoin(base_url or "", canonical)
        if not canonical.lower().startswith(("http://", "https://")):
            canonical = None
    return PageMeta(
        title=clean_text(meta.get("og:title") or meta.get("twitter:title") or title, TITLE_MAX),
        description=clean_text(
            meta.get("og:description")
            or meta.get("twitter:description")
            or meta.get("description"),
            DESCRIPTION_MAX,
        ),
        site_name=clean_text(meta.get("og:site_name") or meta.get("application-name"), TITLE_MAX),
        canonical=clean_text(canonical, 2048),
    )
