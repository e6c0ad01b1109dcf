"""Escaping and small inline-SVG charts for the engagement reports (no CDN, no scripts)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(text: str) -> str:
    """Markdown-inert text: specials backslashed, HTML angle brackets neutralised."""
    return _MD_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def safe_href(url: str | None) -> str | None:
    """``url`` if it is http(s), else None (no javascript: or data: links in reports)."""
    if url and re.match(r"^https?://[^\s\"'<>]+$", url, re.IGNORECASE):
        return url
    return None


def bar_chart_svg(
    data: Sequence[tuple[str, float]], *, title: str, width: int = 560, height: int = 160
) -> str:
    """A vertical bar chart as inline SVG; labels and title escaped."""
    if not data:
        return ""
    top = max(v for _k, v in data) or 1.0
    pad, label_h = 24, 18
    n = len(data)
    bar_w = (width - 2 * pad) / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}"><title>{esc(title)}</title>'
    ]
    usable = height - pad - label_h
    step = max(1, n // 8)
    for i, (label, value) in enumerate(data):
        h = usable * value / top
        x = pad + i * bar_w
        y = pad + usable - h
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(1.0, bar_w - 2):.1f}" height="{h:.1f}"'
            f' fill="#4c78a8"><title>{esc(label)}: {value:g}</title></rect>'
        )
        if i % step == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{height - 4}" font-size="10" fill="#555">{esc(label)}</text>'
            )
    parts.append(f'<text x="{pad}" y="14" font-size="12" fill="#222">{esc(title)}</text></svg>')
    return "".join(parts)
