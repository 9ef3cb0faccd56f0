"""Command line: `configurator <command> ...`, sharing the core with the app.

Bad input exits non-zero with one readable line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sqlite3
import sys

from configurator import __version__
from configurator.core.errors import ConfiguratorError


class OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus the error; we print one line naming the problem."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand, or only with ``only`` (the command being run: importing the other
    command modules would cost start-up time for nothing)."""
    parser = OneLineParser(prog="configurator", description="AI hardware configurator")
    parser.add_argument("--version", action="version", version=f"configurator {__version__}")
    parser.add_argument("--smoke", nargs="?", const="", metavar="BUILD.json",
                        help="open the window, wait for the first paint, print startup_ms and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    import configurator.commands as commands

    names = sorted(info.name for info in pkgutil.iter_modules(commands.__path__))
    only = only.replace("-", "_") if only else only  # `build-sheet` is registered by build_sheet.py
    for name in ([only] if only in names else names):
        importlib.import_module(f"configurator.commands.{name}").register(sub)
    return parser


def _command_word(argv: list[str]) -> str | None:
    """The subcommand named on the command line (each module registers the command of its own name)."""
    for arg in argv:
        if arg == "--smoke":
            return None
        if not arg.startswith("-"):
            return arg
    return None


def build_file_argument(argv: list[str]) -> str | None:
    """The build file of `configurator FILE.json [--smoke]` (what the desktop entry's `Exec=configurator %f`
    runs): a first word that names a .json file, or an existing file that is no command; None otherwise."""
    from pathlib import Path

    import configurator.commands as commands

    for i, arg in enumerate(argv):
        if arg.startswith("-") or (i and argv[i - 1] == "--smoke"):  # `--smoke BUILD.json` is --smoke's own
            continue
        names = {info.name for info in pkgutil.iter_modules(commands.__path__)}
        if arg.replace("-", "_") in names:
            return None
        return arg if arg.lower().endswith(".json") or Path(arg).is_file() else None
    return None


def _open_file(path: str, argv: list[str]) -> int:
    """Open ``path`` in the window; with --smoke, open it, wait for the first paint and exit."""
    parser = OneLineParser(prog="configurator", usage="configurator BUILD.json [--smoke]")
    parser.add_argument("--smoke", action="store_true")
    options = parser.parse_args([arg for arg in argv if arg != path])
    from configurator.app import run_app

    return run_app(smoke=path) if options.smoke else run_app(open_path=path)


def run(argv: list[str]) -> int:
    path = build_file_argument(argv)
    if path is not None:
        return _open_file(path, argv)
    parser = build_parser(_command_word(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        from configurator.app import run_app

        return run_app(smoke=args.smoke)
    try:
        return int(args.func(args) or 0)
    except ConfiguratorError as exc:
        print(f"configurator {args.command}: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except (OSError, UnicodeError) as exc:
        hint = ""
        if isinstance(exc, PermissionError) or getattr(exc, "errno", None) == 30:  # EROFS: read-only file system
            hint = " (make the folder writable, or set XDG_DATA_HOME to a writable folder)"
        elif getattr(exc, "errno", None) == 28:  # ENOSPC
            hint = " (free some space and try again)"
        print(f"configurator {args.command}: error: {' '.join(str(exc).split())}{hint}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:  # a database error no layer named: still one line, never a traceback
        print(f"configurator {args.command}: error: database error ({' '.join(str(exc).split())}); nothing was "
              f"changed", file=sys.stderr)
        return 2
