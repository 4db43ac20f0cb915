"""`python -m rollkeeper` runs the command line."""

from rollkeeper.cli.main import main

main()
