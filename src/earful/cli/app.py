"""The shared Typer application and the helpers every command module uses.

Command modules register on :data:`app`; they keep module-level imports light (the library is
imported inside each command) so that ``earful --help`` stays instant.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from earful.workspace import Workspace

app = typer.Typer(
    name="earful",
    help="Earful: hear what the market says about your product, in ten minutes a day.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar="EARFUL_WORKSPACE",
        help="Workspace folder (default: the current directory).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=not stderr)


def fail(message: str, code: int = 1) -> typer.Exit:
    console(stderr=True).print(f"[bold red]Error:[/] {_escape(message)}")
    return typer.Exit(code)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn Earful's own errors into a clear message and a non-zero exit."""
    from earful.errors import EarfulError

    try:
        yield
    except EarfulError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        raise fail("interrupted", 130) from None


def open_workspace(path: Path | None) -> Workspace:
    from earful.workspace import Workspace

    return Workspace.open(path)


def print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
