"""Letterhead and terms. Where they come from, first found wins:

1. the branding set up in the app (Tools > Company branding, offered at the first quote), kept in the user
   database (store/branding.py; its logo's bytes are kept there too and written to a cache file for printing);
2. the user's own file in the config directory (``<config>/branding/branding.json``, with its logo beside it);
3. the shipped sample, resources/branding/branding.json: placeholder text ("Example AI Systems").

``placeholders`` names what is still the shipped sample (or empty): a quote printed with it needs the person's
confirmation naming those fields (ui/views/quote_dialog.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from configurator.core.errors import ConfiguratorError
from configurator.export.blocks import Letterhead

REQUIRED = ("company", "address", "terms")
LOGO_SUFFIXES = (".svg", ".png")  # what the PDF painter draws (export/pdf.py)


class BrandingError(ConfiguratorError):
    pass


@dataclass(frozen=True)
class Branding:
    company: str
    address: tuple[str, ...]
    contact: tuple[str, ...]
    logo: str  # absolute path, or "" for none
    footer: str
    terms: tuple[str, ...]  # paragraphs printed under "Terms and conditions"
    burn_in_note: str
    tax_id: str = ""  # printed in the footer
    source: str = ""  # "sample" (shipped), "user database", or the file it was read from

    def letterhead(self) -> Letterhead:
        return Letterhead(self.company, self.address, self.contact, self.logo)


def sample_path() -> Path:
    from configurator.paths import resource

    return resource("branding", "branding.json")


def branding_path() -> Path:
    from configurator.paths import user_config_dir

    own = user_config_dir() / "branding" / "branding.json"
    return own if own.exists() else sample_path()


def load_branding(path: str | Path | None = None, user_db_path: str | Path | None = None) -> Branding:
    """The branding of ``path`` when given, else the first of: the user database's (``user_db_path``, default
    the user's), the user's own file, the shipped sample."""
    if path:
        return _load_file(Path(path))
    from configurator.store.branding import read_branding

    if user_db_path is None:
        from configurator.store.userdb import user_database_path

        user_db_path = user_database_path()
    record = read_branding(user_db_path)
    if record is not None:
        return from_record(record)
    return _load_file(branding_path())


def sample_branding() -> Branding:
    return _load_file(sample_path())


def _lines(data: dict, key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BrandingError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _load_file(path: Path) -> Branding:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BrandingError(f"branding file {path} cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise BrandingError(f"branding file {path}: expected a JSON object")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise BrandingError(f"branding file {path} lacks {', '.join(missing)}")
    where = f"branding file {path}"
    logo = str(data.get("logo", "") or "")
    if logo:
        logo_path = (path.parent / logo).resolve()
        logo = str(logo_path) if logo_path.exists() else ""
    return Branding(company=str(data["company"]), address=_lines(data, "address", where),
                    contact=_lines(data, "contact", where), logo=logo, footer=str(data.get("footer", "")),
                    terms=_lines(data, "terms", where), burn_in_note=str(data.get("burn_in_note", "")),
                    tax_id=str(data.get("tax_id", "") or ""),
                    source="sample" if path.resolve() == sample_path().resolve() else str(path))


def compose_footer(company: str, address: tuple[str, ...], tax_id: str) -> str:
    """The small print of every page: company, registered address on one line, tax id."""
    parts = [company.strip(), ", ".join(a.strip() for a in address if a.strip())]
    if tax_id.strip():
        parts.append(f"VAT/Tax ID: {tax_id.strip()}")
    return " · ".join(p for p in parts if p)


def logo_cache_file(logo: bytes, name: str) -> Path:
    """Where a logo kept in the user database is written for printing (named by its content: written once)."""
    from configurator.paths import user_data_dir

    suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in LOGO_SUFFIXES else ".png"
    folder = user_data_dir() / "branding-cache"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"logo-{hashlib.sha256(logo).hexdigest()[:16]}{suffix}"
    if not target.exists() or target.stat().st_size != len(logo):
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(logo)
        tmp.replace(target)
    return target


def from_record(record) -> Branding:
    """The printed Branding of a store.branding.BrandingRecord; fields it lacks come from the shipped sample
    (and stay placeholders)."""
    sample = sample_branding()
    data = record.data

    def lines(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return default
        return _lines(data, key, "the branding in the user database")

    company = str(data.get("company", sample.company))
    address = lines("address", sample.address)
    tax_id = str(data.get("tax_id", "") or "")
    logo = ""
    if record.logo:
        try:
            logo = str(logo_cache_file(record.logo, record.logo_name))
        except OSError:
            logo = ""  # the cache folder cannot be written: the letterhead goes without a logo
    footer = str(data.get("footer") or compose_footer(company, address, tax_id))
    return Branding(company=company, address=address, contact=lines("contact", ()), logo=logo, footer=footer,
                    terms=lines("terms", sample.terms), burn_in_note=str(data.get("burn_in_note") or
                                                                          sample.burn_in_note), tax_id=tax_id,
                    source="user database")


def to_record_data(branding: Branding) -> dict:
    """The fields of ``branding`` as store.branding keeps them (the logo travels separately, as bytes)."""
    return {"company": branding.company, "address": list(branding.address), "contact": list(branding.contact),
            "tax_id": branding.tax_id, "terms": list(branding.terms), "footer": branding.footer,
            "burn_in_note": branding.burn_in_note}


# Placeholder fields, in the order a confirmation names them.
PLACEHOLDER_FIELDS = (("company", "company name"), ("address", "address"), ("tax_id", "tax id"),
                      ("logo", "logo"), ("contact", "contact details"), ("terms", "terms"))


def placeholders(branding: Branding, sample: Branding | None = None) -> list[str]:
    """What in ``branding`` is still the shipped sample or empty, as words ('company name', 'tax id', ...).
    The sample's terms are fair general terms: once a person saved them as theirs (any source but the sample)
    they are not a placeholder; empty terms always are."""
    sample = sample or sample_branding()
    sample_tax = sample.tax_id or "XX000000000"
    out = []
    for key, words in PLACEHOLDER_FIELDS:
        value, shipped = getattr(branding, key), getattr(sample, key)
        if key == "tax_id":
            stale = not value.strip() or value.strip() == sample_tax
        elif key == "logo":
            stale = not value or (bool(shipped) and Path(value).resolve() == Path(shipped).resolve())
        elif key == "terms":
            stale = not any(v.strip() for v in value) or (value == shipped and branding.source == "sample")
        elif isinstance(value, tuple):
            stale = not any(v.strip() for v in value) or value == shipped
        else:
            stale = not value.strip() or value.strip() == shipped.strip()
        if stale:
            out.append(words)
    return out


__all__ = ["Branding", "BrandingError", "load_branding", "placeholders", "from_record", "to_record_data",
           "compose_footer", "sample_branding"]
