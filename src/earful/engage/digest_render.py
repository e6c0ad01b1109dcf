"""Rendering a :class:`~earful.engage.digest.Digest` as text, Markdown or HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING

from earful.engage.render import bar_chart_svg, esc, md_escape, safe_href

if TYPE_CHECKING:
    from earful.engage.digest import Digest, DigestItem

HEADINGS = {
    "alert": "Alerts",
    "theme": "Feedback themes",
    "lead": "Potential customers",
    "question": "Questions to answer",
    "article": "Articles to share",
    "expert": "People to follow",
    "coach": "Coach",
}


def _head(d: Digest) -> str:
    return (
        f"{len(d.items)} items in {d.minutes:g} of {d.budget:g} minutes"
        f" (as of {d.as_of:%Y-%m-%d %H:%M} UTC; {d.skipped} more left for later)"
    )


def _groups(d: Digest) -> list[tuple[str, list[DigestItem]]]:
    out: dict[str, list[DigestItem]] = {}
    for item in d.items:
        out.setdefault(item.section, []).append(item)
    return [(s, out[s]) for s in HEADINGS if s in out]


def _clip(text: str, n: int = 200) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


def text(d: Digest) -> str:
    lines = [f"Earful digest: {_head(d)}"]
    for section, items in _groups(d):
        lines += ["", HEADINGS[section]]
        for item in items:
            lines.append(f"  [{item.minutes:g} min] {item.title}")
            if item.detail:
                lines.append(f"      {_clip(item.detail)}")
            if item.url:
                lines.append(f"      {item.url}")
            lines.append(f"      why: {_clip(item.why, 160)}")
    if d.sections_missing:
        lines += ["", "Not included: " + ", ".join(d.sections_missing)]
    return "\n".join(lines) + "\n"


def markdown(d: Digest) -> str:
    lines = ["# Earful digest", "", md_escape(_head(d))]
    for section, items in _groups(d):
        lines += ["", f"## {HEADINGS[section]}", ""]
        for item in items:
            title = md_escape(item.title)
            href = safe_href(item.url)
            head = f"[{title}](<{href}>)" if href else title
            lines.append(f"- **{item.minutes:g} min** {head}")
            if item.detail:
                lines.append(f"  {md_escape(_clip(item.detail))}")
            lines.append(f"  *why:* {md_escape(_clip(item.why, 160))}")
    if d.sections_missing:
        lines += ["", "Not included: " + md_escape(", ".join(d.sections_missing))]
    return "\n".join(lines) + "\n"


def html_page(d: Digest, title: str = "earful") -> str:
    minutes: dict[str, float] = {}
    for item in d.items:
        minutes[HEADINGS[item.section]] = minutes.get(HEADINGS[item.section], 0.0) + item.minutes
    charts = bar_chart_svg(d.daily, title="Posts per day (last 14 days)")
    charts += bar_chart_svg(list(minutes.items()), title="Minutes planned per section")
    body = [f"<h1>Earful digest: {esc(title)}</h1>", f"<p>{esc(_head(d))}</p>", charts]
    for section, items in _groups(d):
        body.append(f"<h2>{esc(HEADINGS[section])}</h2><ul>")
        for item in items:
            href = safe_href(item.url)
            name = esc(item.title)
            link = f'<a href="{esc(href)}" rel="noopener noreferrer">{name}</a>' if href else name
            body.append(
                f"<li><b>{item.minutes:g} min</b> {link}"
                f"<br><span>{esc(_clip(item.detail))}</span>"
                f'<br><small class="why">why: {esc(_clip(item.why, 160))}</small></li>'
            )
        body.append("</ul>")
    if d.sections_missing:
        body.append(f"<p><small>Not included: {esc(', '.join(d.sections_missing))}</small></p>")
    style = (
        "body{font-family:system-ui,sans-serif;max-width:760px;margin:2em auto;color:#222}"
        "li{margin:.6em 0}.why{color:#666}svg{display:block;margin:1em 0}"
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';'
        " style-src 'unsafe-inline'; img-src data:\">"
        f"<title>Earful digest</title><style>{style}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
