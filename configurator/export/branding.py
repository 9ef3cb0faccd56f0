"""Letterhead and terms from branding data: resources/branding/branding.json, or the user's own
copy in the config directory (``<config>/branding/branding.json``, with its logo beside it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from configurator.core.errors import ConfiguratorError
from configurator.export.blocks import Letterhead

REQUIRED = ("company", "address", "terms")


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

    def letterhead(self) -> Letterhead:
        return Letterhead(self.company, self.address, self.contact, self.logo)


def branding_path() -> Path:
    from configurator.paths import resource, user_config_dir

    own = user_config_dir() / "branding" / "branding.json"
    return own if own.exists() else resource("branding", "branding.json")


def load_branding(path: str | Path | None = None) -> Branding:
    path = Path(path) if path else branding_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BrandingError(f"branding file {path} cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise BrandingError(f"branding file {path}: expected a JSON object")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise BrandingError(f"branding file {path} lacks {', '.join(missing)}")

    def lines(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BrandingError(f"branding file {path}: '{key}' must be a list of strings")
        return tuple(value)

    logo = str(data.get("logo", "") or "")
    if logo:
        logo_path = (path.parent / logo).resolve()
        logo = str(logo_path) if logo_path.exists() else ""
    return Branding(company=str(data["company"]), address=lines("address"), contact=lines("contact"), logo=logo,
                    footer=str(data.get("footer", "")), terms=lines("terms"),
                    burn_in_note=str(data.get("burn_in_note", "")))
