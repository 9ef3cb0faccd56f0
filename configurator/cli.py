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


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="configurator", description="AI hardware configurator")
    parser.add_argument("--version", action="version", version=f"configurator {__version__}")
    parser.add_argument("--smoke", nargs="?", const="", metavar="BUILD.json",
                        help="open the window, wait for the first paint, print startup_ms and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    import configurator.commands as commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"configurator.commands.{info.name}").register(sub)
    return parser


def run(argv: list[str]) -> int:
    parser = build_parser()
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
