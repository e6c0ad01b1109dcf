"""Build the demo workspace: config for the fictional product, generated posts, labels."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from earful.demo.generator import demo_config, generate
from earful.workspace import Workspace


@dataclass(frozen=True, slots=True)
class DemoReport:
    workspace: Workspace
    inserted: int
    updated: int
    labelled: int


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


def demo_toml(config: dict[str, Any] | None = None) -> str:
    """``earful.toml`` for the demo workspace."""
    cfg = config or demo_config()
    product = cfg["product"]
    lines = [
        "# Demo workspace written by `earful demo`: a fictional product and its market.",
        "",
        "[workspace]",
        'name = "earful-demo"',
        "",
        "[[products]]",
        f"name = {_toml_str(product['name'])}",
        f"aliases = {_toml_list(product['aliases'])}",
        f"description = {_toml_str(product['description'])}",
        f"competitors = {_toml_list(product['competitors'])}",
        "[products.accounts]",
    ]
    for network, handles in product["own_accounts"].items():
        lines.append(f"{network} = {_toml_list(handles)}")
    for watch in cfg["watches"]:
        lines += [
            "",
            "[[watches]]",
            f"name = {_toml_str(watch['name'])}",
            f"query = {_toml_str(watch['query'])}",
            'sources = ["x", "bluesky", "mastodon", "reddit", "hn", "rss"]',
        ]
    return "\n".join(lines) + "\n"


def build_demo(
    root: str | Path, *, n_posts: int = 3000, seed: int = 7, label: bool = True
) -> DemoReport:
    """Create (or refresh) the demo workspace in ``root``; importing twice changes nothing."""
    from earful.formats.earful_jsonl import post_from_dict

    root = Path(root)
    config_file = root / "earful.toml"
    root.mkdir(parents=True, exist_ok=True)
    config_file.write_text(demo_toml(), encoding="utf-8")
    ws = Workspace.init(root)
    posts = [post_from_dict(item) for item in generate(n_posts=n_posts, seed=seed)]
    counts = ws.store().upsert_posts(posts)
    labelled = 0
    if label:
        labelled = _label(ws)
    return DemoReport(ws, counts.inserted, counts.updated, labelled)


def _label(ws: Workspace) -> int:
    try:
        from earful.labelling import label_store
    except ModuleNotFoundError:  # the labels are not installed in this build
        return 0
    return int(label_store(ws.store(), ws.config).labelled)
