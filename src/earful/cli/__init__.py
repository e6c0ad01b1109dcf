"""The ``earful`` command line: a thin shell over the library."""

from __future__ import annotations

from earful.cli import core  # noqa: F401  (registers commands)
from earful.cli.app import app

for _module in (
    "label", "labelling", "sources", "demo", "links", "insights", "web", "engage", "outputs"
):
    try:
        __import__(f"earful.cli.{_module}")
    except ModuleNotFoundError as _exc:  # a command module still being written
        if _exc.name != f"earful.cli.{_module}":
            raise


def main() -> None:
    app()


__all__ = ["app", "main"]
