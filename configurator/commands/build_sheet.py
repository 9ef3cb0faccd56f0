"""`configurator build-sheet BUILD.json -o OUT.pdf`: the technician's build sheet of a saved build, without a quote.

No customer is asked for and no quote number is drawn: the user database is not opened at all. The sheet
carries no prices, so it is the same in both editions. A build with error findings still gets its sheet
(it prints a DO NOT BUILD banner and the errors) and exit status 0, with a note on stderr. Exit 2 with one
line when the file cannot be read or the output cannot be written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from configurator.core.errors import InvalidInputError


def register(sub) -> None:
    p = sub.add_parser("build-sheet", help="write the technician's build sheet PDF of a build file (no quote)")
    p.add_argument("build", type=Path, metavar="BUILD.json")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf", help="the build sheet PDF to write")
    p.set_defaults(func=run)


def check_output(output: Path, build_file: Path) -> None:
    """One line naming what is wrong with ``output`` before anything is read or written."""
    if output.is_dir():
        raise InvalidInputError(f"{output} is a directory, not a file name")
    if not output.resolve().parent.is_dir():
        raise InvalidInputError(f"the folder of {output} does not exist")
    if build_file.exists() and output.resolve() == build_file.resolve():
        raise InvalidInputError(f"{output} is the build file itself: choose another output name")


def load_checked(path: Path):
    """(build, analysis, catalog) of a build file; the caller closes the catalog."""
    from configurator.catalog import open_catalog
    from configurator.core.analysis import analyze
    from configurator.core.buildfile import load

    catalog = open_catalog()
    try:
        build = load(path, catalog)
        return build, analyze(build, catalog), catalog
    except BaseException:
        catalog.close()
        raise


def write_build_sheet(build, analysis, path: str | Path) -> int:
    """Write the build sheet of ``build`` to ``path`` whole or not at all; the page count. Shared with the
    window's File > Export build sheet."""
    from configurator.export.branding import load_branding
    from configurator.export.build_sheet import build_sheet_document
    from configurator.export.pdf import write_pdf

    return write_pdf(build_sheet_document(build, analysis, load_branding()), path, analysis)


def run(args) -> int:
    from configurator.present import count

    check_output(args.output, args.build)
    build, analysis, catalog = load_checked(args.build)
    try:
        pages = write_build_sheet(build, analysis, args.output)
    finally:
        catalog.close()
    errors = sum(1 for f in analysis.findings if f.severity == "error")
    print(f"{args.output} ({count(pages, 'page')})")
    if errors:
        print(f"configurator build-sheet: note: {count(errors, 'compatibility error')}: the sheet says DO NOT BUILD",
              file=sys.stderr)
    return 0



