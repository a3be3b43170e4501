"""`python -m eventset` runs the command line."""

from eventset.cli import main

main()
