"""``python -m earful`` runs the command line."""

from earful.cli import main

main()
