"""Model architectures that live outside the catalog (imported from a config.json), as build files carry them.

A build file that uses an imported model holds a copy of its architecture under ``$.models`` (docs/build-file.md),
so the file opens on a machine that never imported it. ``ModelOverlay`` puts such models in front of a catalog:
``model()``, ``find()`` and ``models()`` see them, everything else is the catalog's.
"""

from __future__ import annotations

import dataclasses
import json
import math
import typing

from configurator.core import parts
from configurator.core.buildfile.problems import Problems, show as _show
from configurator.core.errors import InvalidInputError

_FIELDS = {f.name: f for f in dataclasses.fields(parts.ModelArch)}
_HINTS = typing.get_type_hints(parts.ModelArch)
POSITIVE = ("hidden", "layers", "heads", "kv_heads", "head_dim", "intermediate", "vocab")


def arch_to_dict(arch: parts.ModelArch) -> dict:
    return dataclasses.asdict(arch)


def _base(hint) -> tuple[type, bool]:
    args = typing.get_args(hint)
    if args:
        kinds = [a for a in args if a is not type(None)]
        return kinds[0], len(kinds) < len(args)
    return hint, False


def arch_from_dict(data, path: str, p: Problems) -> parts.ModelArch | None:
    """A ModelArch from its JSON object, every problem added to ``p`` with its JSON path (None if any)."""
    if not isinstance(data, dict):
        p.add(path, f"{_show(data)} is not an object")
        return None
    before = len(p.items)
    values = {}
    for key, value in data.items():
        if key not in _FIELDS:
            p.add(f"{path}.{key}", "unknown key")
            continue
        py, nullable = _base(_HINTS[key])
        where = f"{path}.{key}"
        if value is None:
            if not nullable:
                p.add(where, "must not be null")
            values[key] = None
        elif py is bool:
            if not isinstance(value, bool):
                p.add(where, f"{_show(value)} is not true or false")
            values[key] = value
        elif py is int:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                p.add(where, f"{_show(value)} is not a whole number of 0 or more")
            values[key] = value
        elif py is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                p.add(where, f"{_show(value)} is not a number of 0 or more")
            values[key] = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        else:
            if not isinstance(value, str):
                p.add(where, f"{_show(value)} is not text")
            values[key] = value
    for name, f in _FIELDS.items():
        if name not in values and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            p.add(f"{path}.{name}", "missing")

    def number(name):
        value = values.get(name)
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    for name in POSITIVE:
        if number(name) is not None and number(name) < 1:
            p.add(f"{path}.{name}", f"{values[name]} must be at least 1")
    if number("params_b") is not None and number("params_b") <= 0:
        p.add(f"{path}.params_b", "must be more than 0")
    if "attention" in values and values["attention"] not in ("gqa", "mla"):
        p.add(f"{path}.attention", f"{_show(values.get('attention'))} is not 'gqa' or 'mla'")
    if "id" in values and not values["id"]:
        p.add(f"{path}.id", "must not be empty")
    if len(p.items) > before:
        return None
    return parts.ModelArch(**values)


def arch_from_json(text: str, what: str = "model") -> parts.ModelArch:
    """A stored architecture (the user database's imported_models rows)."""
    p = Problems()
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, TypeError) as exc:
        raise InvalidInputError(f"{what}: the stored architecture is not valid JSON ({exc})") from None
    arch = arch_from_dict(data, "$", p)
    if arch is None:
        raise InvalidInputError(f"{what}: " + "; ".join(p.items[:3]))
    return arch


class ModelOverlay:
    """A catalog with extra (imported) models in front of it. Unknown attributes go to the catalog."""

    def __init__(self, catalog, models):
        self._catalog = catalog
        base = dict(getattr(catalog, "extra_models", {}))
        base.update({m.id: m for m in models})
        self.extra_models: dict[str, parts.ModelArch] = base

    @property
    def base_catalog(self):
        return getattr(self._catalog, "base_catalog", self._catalog)

    def model(self, model_id: str) -> parts.ModelArch:
        found = self.extra_models.get(model_id)
        return found if found is not None else self._catalog.model(model_id)

    def models(self) -> list[parts.ModelArch]:
        own = list(self._catalog.models()) if hasattr(self._catalog, "models") else []
        ids = {m.id for m in own}
        return own + [m for m in self.extra_models.values() if m.id not in ids]

    def find(self, part_id: str):
        found = self.extra_models.get(part_id)
        return ("models", found) if found is not None else self._catalog.find(part_id)

    def get(self, kind: str, part_id: str):
        if kind == "models" and part_id in self.extra_models:
            return self.extra_models[part_id]
        return self._catalog.get(kind, part_id)

    def __getattr__(self, name):
        return getattr(self._catalog, name)


def with_models(catalog, models) -> object:
    """``catalog`` itself when there is nothing to add, else a ModelOverlay."""
    models = list(models)
    return ModelOverlay(catalog, models) if models else catalog


def imported_in(catalog) -> dict[str, parts.ModelArch]:
    """The models a catalog (overlay) holds beyond its base catalog."""
    return dict(getattr(catalog, "extra_models", {}))
