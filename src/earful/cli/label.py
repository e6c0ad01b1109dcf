"""``earful label``: label a JSONL file of posts without a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from earful.cli.app import WorkspaceOpt, app, fail

if TYPE_CHECKING:
    from earful.labels import AuthorInfo, LabelInput


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _author(obj: Any) -> AuthorInfo | None:
    from earful.labels import AuthorInfo

    if not isinstance(obj, dict):
        return None
    age = obj.get("account_age_days")
    return AuthorInfo(
        handle=str(obj.get("handle") or obj.get("name") or "") or None,
        followers=_int(obj.get("followers")),
        following=_int(obj.get("following")),
        posts=_int(obj.get("posts", obj.get("statuses"))),
        bio=str(obj["bio"]) if isinstance(obj.get("bio"), str) else None,
        account_age_days=float(age) if isinstance(age, int | float) else None,
        verified=obj.get("verified") if isinstance(obj.get("verified"), bool) else None,
    )


def read_items(path: Path) -> list[LabelInput]:
    """Parse the whole file first; raise ValueError naming file, line and column on bad input."""
    import json

    from earful.labels import LabelInput

    items: list[LabelInput] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
            if not isinstance(obj, dict):
                raise ValueError(f"{path}:{lineno}:1: expected a JSON object")
            text = obj.get("text")
            if text is None:
                text = obj.get("body", "")
            if not isinstance(text, str):
                raise ValueError(f"{path}:{lineno}:1: 'text' must be a string")
            pid = obj.get("id")
            items.append(
                LabelInput(
                    id=str(pid) if pid is not None else str(lineno),
                    text=text,
                    author=_author(obj.get("author")),
                )
            )
    return items


@app.command("label")
def label(
    input_path: Annotated[
        Path | None, typer.Option("--input", "-i", help="Earful JSONL to label.")
    ] = None,
    output_path: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSONL to write.")
    ] = None,
    product: Annotated[
        str | None, typer.Option("--product", help="Product name: adds 'relevant'.")
    ] = None,
    aliases: Annotated[str | None, typer.Option("--aliases", help="Comma-separated.")] = None,
    about: Annotated[str, typer.Option("--about", help="One-line description.")] = "",
    competitors: Annotated[
        str | None, typer.Option("--competitors", help="Comma-separated.")
    ] = None,
    accurate: Annotated[
        bool, typer.Option("--accurate", help="Use the sentence-embedding model (extra).")
    ] = False,
    jobs: Annotated[int, typer.Option("--jobs", help="Worker processes (0 = auto).")] = 0,
    everything: Annotated[
        bool, typer.Option("--all", help="Workspace mode: relabel every stored post.")
    ] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Label posts: lang, sentiment, feedback, complaint, question, lead, spam (and relevance).

    With --input and --output, label a JSONL file into another. Without them, label the posts
    of the workspace that the current model version has not labelled yet (--all: every post).
    """
    import json
    import os
    import tempfile

    if input_path is None and output_path is None:
        from earful.cli.app import open_workspace, user_errors
        from earful.cli.core import label_workspace

        with user_errors():
            label_workspace(open_workspace(workspace), accurate=accurate, everything=everything)
        return
    if input_path is None or output_path is None:
        raise typer.BadParameter("give both --input and --output (or neither, for the workspace)")

    from earful.labels import ProductSpec
    from earful.labels.api import label_stream

    try:
        items = read_items(input_path)
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{input_path}: {exc}") from None
    except ValueError as exc:
        raise fail(str(exc)) from None
    spec = ProductSpec(product, _split(aliases), about, _split(competitors)) if product else None
    if accurate:
        try:
            from earful.labels.accurate import available

            ok = available()
        except ImportError:
            ok = False
        if not ok:
            raise fail("--accurate needs the extra: pip install 'earful[accurate]'")
    n_jobs = jobs if jobs > 0 else min(2, os.cpu_count() or 1)
    out_dir = output_path.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=".label-", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for res in label_stream(items, spec, accurate=accurate, jobs=n_jobs):
                fh.write(json.dumps(res.to_json(), ensure_ascii=False))
                fh.write("\n")
        os.replace(tmp, output_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
