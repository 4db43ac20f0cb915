"""`python -m daemon` runs the command line."""

from daemon.cli import main

main()
