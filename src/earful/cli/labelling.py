"""Label commands on the workspace: correct a label, show a post's labels, export corrections."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from earful.cli.app import (
    JsonOpt,
    WorkspaceOpt,
    app,
    console,
    open_workspace,
    print_json,
    user_errors,
)


@app.command()
def correct(
    post: Annotated[
        str, typer.Argument(help="The post: SOURCE:ID, or an id unique across sources.")
    ],
    assignments: Annotated[
        list[str],
        typer.Argument(
            help="FIELD=VALUE, e.g. sentiment=positive type=bug,feature_request spam=false."
        ),
    ],
    workspace: WorkspaceOpt = None,
) -> None:
    """Correct a post's labels; corrections win over the model and feed the next training run."""
    from earful.labelling import correct as do_correct

    with user_errors():
        ws = open_workspace(workspace)
        found, parsed = do_correct(ws.store(), ws.config, post, assignments)
    changes = ", ".join(f"{f}={','.join(v)}" for f, v in parsed.items())
    console().print(f"Corrected {found.source}:{found.id}: {changes}", markup=False)


@app.command()
def labels(
    post: Annotated[
        str, typer.Argument(help="The post: SOURCE:ID, or an id unique across sources.")
    ],
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Show a post's labels (model and corrections; corrections win)."""
    from earful.labelling import post_labels

    with user_errors():
        ws = open_workspace(workspace)
        rowid, found = ws.store().resolve_post(post)
        values = post_labels(ws.store(), rowid)
    if as_json:
        print_json(
            {
                "source": found.source,
                "id": found.id,
                "labels": {
                    f: [{"value": v, "score": s, "by": by} for v, s, by in rows]
                    for f, rows in values.items()
                },
            }
        )
        return
    from rich.table import Table

    table = Table("field", "value", "score", "by")
    for field, rows in sorted(values.items()):
        for value, score, by in rows:
            table.add_row(field, value, "" if score is None else f"{score:.2f}", by)
    out = console()
    out.print(f"{found.source}:{found.id}  {found.text}", markup=False)
    out.print(table)


@app.command("export-corrections")
def export_corrections(
    output: Annotated[
        Path, typer.Argument(help="JSONL file for scripts/train_labels.py --corrections.")
    ],
    workspace: WorkspaceOpt = None,
) -> None:
    """Write every correction as training data for the next model build."""
    from earful.labelling import export_corrections as export

    with user_errors():
        count = export(open_workspace(workspace).store(), output)
    console().print(f"Wrote {count:,} corrections to {output}")
