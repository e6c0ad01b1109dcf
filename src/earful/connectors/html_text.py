"""Turn untrusted HTML (Mastodon ``content``, Reddit ``body_html``, HN comments) into plain text.

The result never contains markup: text nodes are kept, ``<br>`` and block elements become
newlines, ``<script>``/``<style>`` (and similar) are dropped with their content, entities are
unescaped once, and the ``href`` of each ``http(s)`` link is collected so connectors can put it
in ``Post.urls``. Attributes (event handlers included) are never copied into the output.

Built on the stdlib :mod:`html.parser`, which never raises on malformed input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

__all__ = ["HtmlText", "html_to_text"]

# Elements whose content is never text a reader saw.
_DROP = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "head",
        "title",
        "textarea",
        "select",
    }
)
# Elements that start and end a line.
_BLOCK = frozenset(
    {
        "p",
        "div",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tr",
        "section",
        "article",
        "header",
        "footer",
        "hr",
        "dl",
        "dt",
        "dd",
    }
)
_VOID = frozenset(
    {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "source", "wbr"}
)
_SPACES = re.compile(r"[ \t\f\v\r\u00a0]+")
_BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class HtmlText:
    """The visible text of an HTML fragment and the ``http(s)`` links it points to."""

    text: str
    links: tuple[str, ...]

    def __iter__(self) -> Iterator[Any]:
        """Unpacks as ``text, links``."""
        return iter((self.text, self.links))


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: dict[str, None] = {}
        self.drop_depth = 0
        self.pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            if tag not in _VOID:
                self.drop_depth += 1
            return
        if self.drop_depth:
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self._newline(paragraph=tag in {"p", "blockquote", "pre"})
            if tag == "pre":
                self.pre_depth += 1
            elif tag == "li":
                self.parts.append("- ")
        if tag == "a":
            for name, value in attrs:
                if name == "href" and value:
                    href = value.strip()
                    if href.lower().startswith(("http://", "https://")):
                        self.links.setdefault(href, None)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/> and friends: same as a start tag, but never opens a dropped region.
        if tag in _DROP:
            return
        self.handle_starttag(tag, attrs)
        if tag in _BLOCK and tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            if self.drop_depth:
                self.drop_depth -= 1
            return
        if self.drop_depth:
            return
        if tag in _BLOCK and tag != "li":
            if tag == "pre" and self.pre_depth:
                self.pre_depth -= 1
            self._newline(paragraph=tag in {"p", "blockquote", "pre"})

    def handle_data(self, data: str) -> None:
        if self.drop_depth:
            return
        if not self.pre_depth:
            data = data.replace("\n", " ")
        self.parts.append(data)

    def _newline(self, *, paragraph: bool) -> None:
        self.parts.append("\n\n" if paragraph else "\n")


def html_to_text(html: str | None) -> HtmlText:
    """The visible text of ``html`` (no markup, entities unescaped) and its http(s) links."""
    if not html:
        return HtmlText("", ())
    parser = _Converter()
    parser.feed(html)
    parser.close()
    raw = "".join(parser.parts)
    lines = [_SPACES.sub(" ", line).strip() for line in raw.split("\n")]
    text = _BLANKS.sub("\n\n", "\n".join(lines)).strip()
    return HtmlText(text, tuple(parser.links))
