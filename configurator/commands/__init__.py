"""Command-line subcommands. Each module defines ``register(subparsers)``; cli.py discovers them.

A handler returns the exit code; it raises ConfiguratorError for bad input (cli.py prints one line
and exits 2).
"""
