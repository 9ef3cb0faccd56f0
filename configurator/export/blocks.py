"""The content of a printed document as plain data (Qt-free): what export/pdf.py lays out on pages.

Content builders (quote_content.py, build_sheet.py) turn core results into these blocks; they format
figures the core computed, they never compute them. Tests can read a PaperDocument without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LEFT, RIGHT, CENTER = "left", "right", "center"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: section, 2: sub-section


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "body"  # body, small, strong, alert, muted


@dataclass(frozen=True)
class KeyValues:
    """Label/value pairs in ``columns`` side-by-side groups (quote number, dates, ...)."""

    pairs: tuple[tuple[str, str], ...]
    columns: int = 2


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # share of the text width
    align: str = LEFT


@dataclass(frozen=True)
class Table:
    """Rows never split across pages; the header row repeats on every page the table reaches."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""  # printed above the header on pages after the first: "<caption> (continued)"
    font: str = "table"


@dataclass(frozen=True)
class Totals:
    """Right-aligned label/amount rows kept together; ``strong`` rows print bold with a rule above."""

    rows: tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True)
class Charts:
    """Chart images side by side; ``names`` as charts/render.py knows them ('memory', 'throughput', ...)."""

    names: tuple[str, ...]
    height_mm: float = 62.0


@dataclass(frozen=True)
class Checklist:
    """Check boxes with a line for initials and time on each."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class WriteIn:
    """A ruled box to write in by hand (firmware/BIOS notes), with optional pre-printed lines."""

    label: str
    lines: int = 5
    prefilled: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignOff:
    """Signature lines: one row per role, with name, signature and date fields."""

    roles: tuple[str, ...]


@dataclass(frozen=True)
class Spacer:
    mm: float = 4.0


@dataclass(frozen=True)
class Letterhead:
    company: str
    address_lines: tuple[str, ...]
    contact_lines: tuple[str, ...]
    logo_path: str = ""  # SVG or PNG; empty: no logo


@dataclass
class PaperDocument:
    title: str  # "Quotation", "Build sheet"
    reference: str  # printed in the running header and footer: quote label or build name
    letterhead: Letterhead
    blocks: list = field(default_factory=list)
    banner: str = ""  # printed across the top of every page in red: "DRAFT", "PENDING APPROVAL"
    footer: str = ""  # small print on every page (company registration)
    edition: str = "customer"

    def add(self, *blocks) -> "PaperDocument":
        self.blocks.extend(blocks)
        return self

    def texts(self) -> list[str]:
        """Every string the document prints (the edition guard and tests read this)."""
        out = [self.title, self.reference, self.banner, self.footer, self.letterhead.company,
               *self.letterhead.address_lines, *self.letterhead.contact_lines]
        for b in self.blocks:
            if isinstance(b, (Heading, Paragraph)):
                out.append(b.text)
            elif isinstance(b, KeyValues):
                out += [x for pair in b.pairs for x in pair]
            elif isinstance(b, Table):
                out += [c.title for c in b.columns] + [b.caption] + [x for row in b.rows for x in row]
            elif isinstance(b, Totals):
                out += [x for row in b.rows for x in row[:2]]
            elif isinstance(b, Checklist):
                out += list(b.items)
            elif isinstance(b, WriteIn):
                out += [b.label, *b.prefilled]
            elif isinstance(b, SignOff):
                out += list(b.roles)
            elif callable(getattr(b, "texts", None)):  # a drawn block (export/lane_diagram.py) lists its own
                out += list(b.texts())
        return [t for t in out if t]
