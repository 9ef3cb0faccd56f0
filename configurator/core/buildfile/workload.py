"""The workload part of a build file: every field typed and checked against the catalog."""

from __future__ import annotations

import dataclasses
import math
import typing
from typing import TYPE_CHECKING

from configurator.core import workload as wl

from configurator.core.buildfile.problems import Problems, show as _show

if TYPE_CHECKING:
    from configurator.core.configuration.catalog import Catalog

CHOICES = {
    "engine": wl.ENGINES,
    "parallel": wl.PARALLEL,
    "mode": wl.TRAINING_MODES,
    "zero_stage": wl.ZERO_CHOICES,
    "recompute": wl.RECOMPUTE,
    "optimizer": wl.OPTIMIZERS,
}
CATALOG_IDS = {"model_id": "model", "precision": "precision", "kv_precision": "precision"}
AT_LEAST_ZERO = {"zero_stage", "tp", "pp", "cp", "ep"}  # 0: automatic; every other whole number counts something
ZERO_MEANS_DEFAULT = {"mfu"}  # float fields where 0 means "the calibrated default"
# Largest values that still describe a real workload or model (the size command's limits); anything above is
# a typo, and the window's spin boxes hold 32-bit integers. Fields not named here: at most 2^31 - 1.
INT_LIMITS = {
    "context_tokens": 100_000_000, "prompt_tokens": 100_000_000, "output_tokens": 100_000_000, "users": 1_000_000,
    "seq_len": 100_000_000, "micro_batch": 1_000_000, "global_batch": 100_000_000, "lora_rank": 65_536,
    "tp": 1024, "pp": 1024, "cp": 1024, "ep": 1024,
    "layers": 10_000, "hidden": 1_000_000, "heads": 100_000, "kv_heads": 100_000, "head_dim": 65_536,
}
INT_MAX = 2**31 - 1
# (lowest above 0, highest) of float fields: tokens to train on (frontier runs are ~1e13-1e14), billions of
# parameters of a custom model (100 T), and a compute efficiency (0 is the calibrated default, else >= 1 %)
FLOAT_LIMITS = {"tokens": (1.0, 1e16), "params_b": (0.001, 100_000.0), "mfu": (0.01, 1.0)}


# Training layout degrees are written only when set by hand (0 = automatic): files stay as they were otherwise.
WRITTEN_WHEN_SET = ("tp", "pp", "cp", "ep")


def workload_to_dict(workload: wl.Workload) -> dict:
    data = dataclasses.asdict(workload)
    for name in WRITTEN_WHEN_SET:
        if data["training"][name] == wl.AUTO:
            del data["training"][name]
    # The custom architecture is written only when a section uses it: files stay as they were otherwise.
    if wl.CUSTOM_MODEL_ID not in (workload.inference.model_id, workload.training.model_id):
        del data["custom"]
    return data


def _field(cls, name: str, value, path: str, catalog: "Catalog", p: Problems):
    hint = typing.get_type_hints(cls)[name]
    if hint is bool:
        if not isinstance(value, bool):
            p.add(path, f"{_show(value)} is not true or false")
            return None
        return value
    if hint is int:
        if name in CHOICES:
            if isinstance(value, bool) or value not in CHOICES[name]:
                p.add(path, f"{_show(value)} is not one of {', '.join(map(str, CHOICES[name]))}")
                return None
            return value
        high = INT_LIMITS.get(name, INT_MAX)
        return value if p.is_int(value, path, 0 if name in AT_LEAST_ZERO else 1, high) else None
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            p.add(path, f"{_show(value)} is not a number")
            return None
        if value < 0 or (value == 0 and name not in ZERO_MEANS_DEFAULT):
            p.add(path, f"{_show(value)} must be more than 0")
            return None
        if name == "mfu" and value > 1:
            p.add(path, f"{_show(value)} is a utilisation above 1 (100 %)")
            return None
        low, high = FLOAT_LIMITS.get(name, (0.0, 1e300))
        if value != 0 and not low <= value <= high:
            p.add(path, f"{_show(value)} is outside {low:g} to {high:g}")
            return None
        return float(value)
    if not p.is_str(value, path):
        return None
    if name in CHOICES and value not in CHOICES[name]:
        p.add(path, f"'{value}' is not one of {', '.join(CHOICES[name])}")
        return None
    if name == "model_id" and value == wl.CUSTOM_MODEL_ID:
        return value  # the architecture is in the workload's "custom" object
    if name in CATALOG_IDS:
        try:
            getattr(catalog, CATALOG_IDS[name])(value)  # imported models: the file's $.models overlay the catalog
        except KeyError:
            p.add(path, f"unknown {CATALOG_IDS[name]} id '{value}'")
            return None
    return value


def _section(cls, data, path: str, catalog: "Catalog", p: Problems):
    if not isinstance(data, dict):
        p.add(path, f"{_show(data)} is not an object")
        return None
    names = {f.name for f in dataclasses.fields(cls)}
    values = {}
    ok = True
    for key, value in data.items():
        if key not in names:
            p.add(f"{path}.{key}", "unknown key")
            ok = False
            continue
        checked = _field(cls, key, value, f"{path}.{key}", catalog, p)
        if checked is None:
            ok = False
        else:
            values[key] = checked
    return cls(**values) if ok else None


WORKLOAD_KEYS = ("kind", "inference", "training", "custom")


def named_workload_to_dict(named: wl.NamedWorkload) -> dict:
    """One entry of ``$.workloads``: its name (only when named) then the workload's own keys."""
    return {**({"name": named.name} if named.name else {}), **workload_to_dict(named.workload)}


def workload_from_dict(data, catalog: "Catalog", p: Problems, path: str = "$.workload",
                       extra_keys: tuple[str, ...] = ()) -> wl.Workload | None:
    if not isinstance(data, dict):
        p.add(path, f"{_show(data)} is not an object")
        return None
    before = len(p.items)
    for key in data:
        if key not in WORKLOAD_KEYS and key not in extra_keys:
            p.add(f"{path}.{key}", "unknown key")
    kind = data.get("kind", wl.INFERENCE)
    if kind not in (wl.INFERENCE, wl.TRAINING):
        p.add(f"{path}.kind", f"{_show(kind)} is not '{wl.INFERENCE}' or '{wl.TRAINING}'")
    inference = _section(wl.InferenceWorkload, data.get("inference", {}), f"{path}.inference", catalog, p)
    training = _section(wl.TrainingWorkload, data.get("training", {}), f"{path}.training", catalog, p)
    custom = _section(wl.CustomModel, data.get("custom", {}), f"{path}.custom", catalog, p)
    if custom is not None and custom.head_dim * custom.kv_heads > custom.hidden * 8:
        p.add(f"{path}.custom.kv_heads", f"{custom.kv_heads} KV heads of {custom.head_dim} do not fit a hidden size "
                                         f"of {custom.hidden}")
    if len(p.items) > before or inference is None or training is None or custom is None:
        return None
    return wl.Workload(kind=kind, inference=inference, training=training, custom=custom)


def workloads_from_dict(data, catalog: "Catalog", p: Problems,
                        path: str = "$.workloads") -> list[wl.NamedWorkload] | None:
    """``$.workloads``: a list of 1 to MAX_WORKLOADS workload objects, each with an optional unique "name"."""
    if not isinstance(data, list):
        p.add(path, f"{_show(data)} is not a list of workloads")
        return None
    if not data:
        p.add(path, "is empty: a build has at least one workload")
        return None
    if len(data) > wl.MAX_WORKLOADS:
        p.add(path, f"{len(data):,} workloads is more than the limit of {wl.MAX_WORKLOADS} (MAX_WORKLOADS)")
        return None
    before = len(p.items)
    out: list[wl.NamedWorkload] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(data):
        where = f"{path}[{i}]"
        name = ""
        if isinstance(entry, dict) and "name" in entry:
            if p.is_str(entry["name"], f"{where}.name"):
                try:
                    name = wl.check_name(entry["name"])
                except ValueError as exc:
                    p.add(f"{where}.name", str(exc))
                if name and name.casefold() in seen:
                    p.add(f"{where}.name", f"'{name}' is also the name of workload {seen[name.casefold()]} "
                                           f"(names are unique)")
                elif name:
                    seen[name.casefold()] = i
        workload = workload_from_dict(entry, catalog, p, where, extra_keys=("name",))
        if workload is not None:
            out.append(wl.NamedWorkload(name, workload))
    return out if len(p.items) == before else None
