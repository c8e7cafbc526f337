"""Command-line tools behind `python -m explorer <command>`."""
