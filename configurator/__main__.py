"""Entry point: `configurator` (opens the app) and `python -m configurator`."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from configurator.cli import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
