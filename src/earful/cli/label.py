"""``earful label``: label a JSONL file of posts without a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from earful.cli.app import WorkspaceOpt, app, fail

if TYPE_CHECKING:
    from earful.labels import LabelInput


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def read_items(path: Path) -> list[LabelInput]:
    """Parse the whole file; raise ValueError naming file, line and column on bad input."""
    from earful.labels.jsonl import read_items as read

    return read(path)


@app.command("label")
def label(
    input_path: Annotated[
        Path | None, typer.Option("--input", "-i", help="Earful JSONL to label ('-': stdin).")
    ] = None,
    output_path: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSONL to write ('-': stdout).")
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
        bool | None,
        typer.Option(
            "--accurate/--fast",
            help="Fine-tuned encoder (extra 'accurate') or fast path; default: fast, or the"
            " workspace's accurate_labels setting.",
        ),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", help="Worker processes (0 = auto).")] = 0,
    everything: Annotated[
        bool, typer.Option("--all", help="Workspace mode: relabel every stored post.")
    ] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Label posts: lang, sentiment, feedback, complaint, question, lead, spam (and relevance).

    With --input and --output, label a JSONL file into another ('-' for stdin / stdout); a bad
    line stops the run and writes nothing. Without them, label the posts of the workspace that
    the current model version has not labelled yet (--all: every post).
    """
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
    from earful.labels.jsonl import label_file

    spec = ProductSpec(product, _split(aliases), about, _split(competitors)) if product else None
    accurate = bool(accurate)
    if accurate:
        from earful.labelling import accurate_installed

        if not accurate_installed():
            raise fail("--accurate needs the extra: pip install 'earful[accurate]'")
    n_jobs = jobs if jobs > 0 else min(2, os.cpu_count() or 1)
    to_stdout = str(output_path) == "-"
    name = "<stdin>" if str(input_path) == "-" else str(input_path)
    try:
        src = _spool_stdin() if name == "<stdin>" else input_path
        src.open(encoding="utf-8").close()
    except OSError as exc:
        raise fail(f"{input_path}: {exc}") from None
    out_dir = None if to_stdout else output_path.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=".label-", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            # the input is parsed chunk by chunk as it is labelled: a bad line stops the run
            # and, as the output is only moved into place at the end, leaves no output
            label_file(src, fh, spec, accurate=accurate, jobs=n_jobs, name=name)
        if to_stdout:
            _copy_to_stdout(Path(tmp))
        else:
            os.replace(tmp, output_path)
    except UnicodeDecodeError as exc:
        raise fail(f"{name}: {exc}") from None
    except ValueError as exc:
        raise fail(str(exc)) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
        if src is not input_path:
            src.unlink(missing_ok=True)


def _spool_stdin() -> Path:
    """Standard input copied, as bytes, to a temporary file that the labeller then reads like
    any input file (a decoding error is reported when its chunk comes up, as for a file)."""
    import shutil
    import sys
    import tempfile

    with tempfile.NamedTemporaryFile(prefix=".label-in-", delete=False) as fh:
        shutil.copyfileobj(sys.stdin.buffer, fh)
    return Path(fh.name)


def _copy_to_stdout(path: Path) -> None:
    import shutil
    import sys

    with path.open("rb") as fh:
        shutil.copyfileobj(fh, sys.stdout.buffer)
    sys.stdout.buffer.flush()
