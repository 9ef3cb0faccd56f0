"""The build file: JSON with a schema version, catalog ids, slots, quantities, workloads and notes.

Schema 2 (several named workloads, ``$.workloads`` and ``$.selected_workload``) is written only where a build
needs it: a build with one unnamed workload is written as schema 1 with its single ``$.workload``, so those
files stay as they were and older versions still read them. Both versions are read.

Format: docs/build-file.md. Loading checks everything and names each problem with its JSON path
(``$.gpus[2].quantity: -1 is negative``); compatibility is not checked here (an impossible but
well-formed build loads, and the rules report it). Saving is atomic: a temporary file in the same
directory, fsync, then os.replace, so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterator

from configurator.core.configuration import ITEM_SECTIONS, KINDS, Build
from configurator.core.configuration.catalog import Catalog
from configurator.core.configuration.placement import free_slot
from configurator.core.errors import ConfiguratorError
from configurator.core.buildfile.problems import Problems, show as _show
from configurator.core.durable import fsync_dir as _fsync_dir
from configurator.core.buildfile.models import arch_from_dict, arch_to_dict, imported_in, with_models
from configurator.core.buildfile.workload import (
    named_workload_to_dict, workload_from_dict, workload_to_dict, workloads_from_dict,
)
from configurator.core.roi import RoiAssumptions, assumptions_to_dict, check_months, check_value

SCHEMA_VERSION = 2  # the newest version written and read; 1 is read too (and written where it suffices)
SINGLE_WORKLOAD_SCHEMA = 1  # one unnamed workload under "workload"
TOP_KEYS = ("schema", "kind", "name", "chassis", "platform", "circuit", "nodes", "gpus", *ITEM_SECTIONS,
            "models", "workload", "workloads", "selected_workload", "roi", "notes")
KIND_NAMES = {"chassis": "chassis", "platforms": "platform", "gpus": "GPU", "psus": "PSU", "memory": "memory module",
              "storage": "drive", "network": "network card", "bridges": "NVLink bridge", "services": "service",
              "models": "model", "precisions": "precision", "engines": "serving engine"}
SHOWN_PROBLEMS = 5  # problems spelled out in the one-line message (all are in .problems)
# Limits on what a file may hold (named in the message when exceeded): a real build file is 1-20 KB with a
# few dozen entries; the total of GPUs per node is the catalog's max_quantity (db/rule_params.csv).
MAX_FILE_BYTES = 1_000_000
MAX_ENTRIES = 256  # entries in one list ($.gpus, $.psus, ...)


class BuildFileError(ConfiguratorError):
    """A build file that cannot be read. ``problems`` lists each as 'JSON path: what is wrong'."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        shown = "; ".join(self.problems[:SHOWN_PROBLEMS])
        more = len(self.problems) - SHOWN_PROBLEMS
        message = f"{source}: {shown}" + (f" (and {more} more problems)" if more > 0 else "")
        # one line, whatever the file held (a key or id may contain a line break)
        super().__init__(message.replace("\r", "\\r").replace("\n", "\\n"))


# -- writing ----------------------------------------------------------------------------------------
def to_dict(build: Build) -> dict:
    single = len(build.workloads) == 1 and not build.workloads[0].name
    data: dict = {"schema": SINGLE_WORKLOAD_SCHEMA if single else SCHEMA_VERSION, "kind": build.kind}
    if build.name:
        data["name"] = build.name
    data["chassis"] = build.chassis.id if build.chassis else None
    data["platform"] = build.platform.id if build.platform else None
    if build.circuit_id:
        data["circuit"] = build.circuit_id
    elif build.custom_circuit is not None:  # typed in: its figures (phases 1 when an older file has none)
        c = build.custom_circuit
        data["circuit"] = {"volts": c.volts, "amps": c.amps, "phases": c.phases}
    if build.kind == "cluster":
        data["nodes"] = build.nodes
    if build.on_board:
        data["gpus"] = [{"id": gid, "quantity": n} for gid, n in build.gpu_counts().items()]
    else:
        data["gpus"] = [{"id": p.gpu.id, **({"slot": p.slot} if p.slot is not None else {}), "quantity": 1}
                        for p in build.gpus]
    for section in ITEM_SECTIONS:
        data[section] = [{"id": i.part.id, "quantity": i.quantity} for i in build.items(section)]
    # imported models the workload uses travel with the file (they are in no catalog): docs/build-file.md
    extra = imported_in(build.catalog)
    ids = [m for n in build.workloads for m in (n.workload.inference.model_id, n.workload.training.model_id)]
    used = [extra[m] for m in dict.fromkeys(ids) if m in extra]
    if used:
        data["models"] = [arch_to_dict(m) for m in used]
    if single:
        data["workload"] = workload_to_dict(build.workload)
    else:
        data["workloads"] = [named_workload_to_dict(n) for n in build.workloads]
        data["selected_workload"] = build.selected_workload
    if build.roi != RoiAssumptions():  # written only when edited: files stay readable by older versions
        data["roi"] = assumptions_to_dict(build.roi)
    data["notes"] = build.notes
    return data


def dumps(build: Build) -> str:
    return _format(to_dict(build)) + "\n"


def _format(value, indent: int = 0, width: int = 100) -> str:
    """JSON with nested objects expanded, but each small object or list kept on one line
    (``{"id": "h200-sxm", "quantity": 8}``): easy to read and to diff."""
    flat = json.dumps(value, ensure_ascii=False)
    scalars = isinstance(value, (dict, list)) and not any(
        isinstance(v, (dict, list)) for v in (value.values() if isinstance(value, dict) else value))
    if not isinstance(value, (dict, list)) or (scalars and indent + len(flat) <= width) or not value:
        return flat
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, dict):
        body = ",\n".join(f"{inner}{json.dumps(k, ensure_ascii=False)}: {_format(v, indent + 2, width)}"
                          for k, v in value.items())
        return "{\n" + body + "\n" + pad + "}"
    body = ",\n".join(inner + _format(v, indent + 2, width) for v in value)
    return "[\n" + body + "\n" + pad + "]"


def save(build: Build, path: str | Path) -> Path:
    """Write ``build`` to ``path`` atomically (the old file stays whole until the new one is complete)."""
    path = Path(path)
    payload = dumps(build).encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise BuildFileError(str(path), [f"cannot save here ({exc.strerror or exc})"]) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BuildFileError(str(path), [f"cannot save ({exc.strerror or exc})"]) from None
        raise
    _fsync_dir(path.parent)
    return path


# -- reading ----------------------------------------------------------------------------------------
def load(path: str | Path, catalog: Catalog) -> Build:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BuildFileError(str(path), [_too_big(size)])
        raw = path.read_bytes()
    except OSError as exc:
        raise BuildFileError(str(path), [f"cannot read the file ({exc.strerror or exc})"]) from None
    return loads(raw, catalog, source=str(path))


def _too_big(size: int) -> str:
    return (f"the file is {size:,} bytes, more than the limit of {MAX_FILE_BYTES:,} bytes for a build file "
            f"(MAX_FILE_BYTES)")


def _unencodable(value, path: str = "$") -> str | None:
    """The JSON path of the first text holding a lone surrogate (``"\\ud800"``): it could never be saved."""
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return where
        elif isinstance(item, dict):
            for k, v in item.items():
                stack.append((f"{where}.{k}", v))
                if isinstance(k, str):
                    stack.append((f"{where} (a key)", k))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(item))
    return None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def loads(raw: bytes | str, catalog: Catalog, source: str = "build file") -> Build:
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BuildFileError(source, [f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                                          f"{exc.start}): not a build file"]) from None
    else:
        text = raw
    if not text.strip():
        raise BuildFileError(source, ["the file is empty"])
    if len(text) > MAX_FILE_BYTES:
        raise BuildFileError(source, [_too_big(len(text.encode("utf-8", "surrogatepass")))])
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        ended = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        cut = "; the file looks truncated" if ended else ""
        raise BuildFileError(source, [f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
                                      f"{cut}"]) from None
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise BuildFileError(source, [f"is not valid JSON: {reason}"]) from None
    bad = _unencodable(data)
    if bad is not None:  # "\ud800" is valid JSON but no UTF-8 text: the build could be opened and never saved
        raise BuildFileError(source, [f"{bad}: holds a lone surrogate escape (such as \\ud800), which is no "
                                      f"character and cannot be saved"])
    return from_dict(data, catalog, source)


def _check_schema(data, source: str) -> None:
    if not isinstance(data, dict):
        raise BuildFileError(source, [f"$: a build file holds a JSON object, not {_show(data)}"])
    if "schema" not in data:
        raise BuildFileError(source, ["$.schema: missing (not a build file?)"])
    version = data["schema"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise BuildFileError(source, [f"$.schema: {_show(version)} is not a schema version number"])
    if version > SCHEMA_VERSION:
        raise BuildFileError(source, [f"$.schema: version {version} was written by a newer configurator; this one "
                                      f"reads up to version {SCHEMA_VERSION}"])
    if version < 1:
        raise BuildFileError(source, [f"$.schema: {version} is not a valid schema version"])


def _part(catalog: Catalog, problems: Problems, value, path: str, kind: str):
    if not problems.is_str(value, path):
        return None
    try:
        found_kind, part = catalog.find(value)
    except KeyError:
        problems.add(path, f"unknown part id '{value}'")
        return None
    if found_kind != kind:
        problems.add(path, f"'{value}' is a {KIND_NAMES.get(found_kind, found_kind)}, not a "
                           f"{KIND_NAMES.get(kind, kind)}")
        return None
    return part


def from_dict(data, catalog: Catalog, source: str = "build file") -> Build:
    _check_schema(data, source)
    p = Problems()
    for key in data:
        if key not in TOP_KEYS:
            p.add(f"$.{key}", "unknown key")
    kind = data.get("kind")
    if kind not in KINDS:
        p.add("$.kind", f"{_show(kind)} is not a build kind ({', '.join(KINDS)})")
        raise BuildFileError(source, p.items)
    if data.get("models") is not None:
        catalog = with_models(catalog, _read_models(catalog, p, data["models"]))
    build = Build(catalog, kind)
    limit = int(catalog.rule_param("max_quantity"))
    with build.batch():
        for key in ("name", "notes"):
            if data.get(key) is not None and p.is_str(data[key], f"$.{key}"):
                (build.set_name if key == "name" else build.set_notes)(data[key])
        for key, kind_ in (("chassis", "chassis"), ("platform", "platforms")):
            if data.get(key) is not None:
                part = _part(catalog, p, data[key], f"$.{key}", kind_)
                if part is not None:
                    (build.put_chassis if key == "chassis" else build.put_platform)(part)
        if isinstance(data.get("circuit"), dict):
            _read_custom_circuit(build, p, data["circuit"])
        elif data.get("circuit") is not None and p.is_str(data["circuit"], "$.circuit"):
            try:
                catalog.circuit(data["circuit"])
                build.set_circuit(data["circuit"])
            except KeyError:
                p.add("$.circuit", f"unknown circuit id '{data['circuit']}'")
        if "nodes" in data:
            high = int(catalog.rule_param("max_nodes"))
            if p.is_int(data["nodes"], "$.nodes", 1, high if kind == "cluster" else 1):
                build.set_nodes(data["nodes"])
        _read_gpus(build, catalog, p, data.get("gpus", []), limit)
        for section in ITEM_SECTIONS:
            for part, qty in _read_entries(catalog, p, data.get(section, []), f"$.{section}", section, limit):
                build.put_item(section, part, build.quantity(part.id) + qty)
        _read_workloads(build, catalog, p, data)
        if data.get("roi") is not None:
            assumptions = _read_roi(p, data["roi"])
            if assumptions is not None:
                build.set_roi(assumptions)
    if p.items:
        raise BuildFileError(source, p.items)
    return build


def _read_workloads(build: Build, catalog: Catalog, p: Problems, data: dict) -> None:
    """The old single ``$.workload`` (schema 1) or the list ``$.workloads`` with ``$.selected_workload``."""
    if data.get("workload") is not None and data.get("workloads") is not None:
        p.add("$.workloads", "a build file holds either one \"workload\" or a \"workloads\" list, not both")
        return
    if data.get("workloads") is None:
        if "selected_workload" in data:
            p.add("$.selected_workload", "there is no \"workloads\" list to select from")
        if data.get("workload") is not None:
            workload = workload_from_dict(data["workload"], catalog, p)
            if workload is not None:
                build.set_workload(workload)
        return
    workloads = workloads_from_dict(data["workloads"], catalog, p)
    selected = data.get("selected_workload", 0)
    if workloads is None:
        return
    if p.is_int(selected, "$.selected_workload", 0, len(workloads) - 1):
        build.put_workloads(workloads, selected)


def _read_models(catalog: Catalog, p: Problems, value) -> list:
    """The file's own model architectures ($.models): imported models, in no catalog."""
    if not isinstance(value, list):
        p.add("$.models", f"{_show(value)} is not a list")
        return []
    out = []
    for i, entry in enumerate(value):
        arch = arch_from_dict(entry, f"$.models[{i}]", p)
        if arch is None:
            continue
        try:
            known = catalog.model(arch.id)
        except KeyError:
            known = None
        if known is not None and known != arch:
            p.add(f"$.models[{i}].id", f"'{arch.id}' is a catalog model with another architecture")
            continue
        if known is None:
            out.append(arch)
    return out


def _entries(p: Problems, value, path: str) -> Iterator[tuple[str, dict]]:
    """(path, entry) of each well-formed entry of a list, in order (problems are added as met)."""
    if not isinstance(value, list):
        p.add(path, f"{_show(value)} is not a list")
        return
    if len(value) > MAX_ENTRIES:
        p.add(path, f"{len(value):,} entries is more than the limit of {MAX_ENTRIES} per list (MAX_ENTRIES)")
        return
    for i, entry in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(entry, dict):
            p.add(where, f"{_show(entry)} is not an object with an id")
            continue
        if "id" not in entry:
            p.add(where, "missing 'id'")
            continue
        yield where, entry


def _read_entries(catalog, p: Problems, value, path: str, kind: str, limit: int):
    for where, entry in _entries(p, value, path):
        for key in entry:
            if key not in ("id", "quantity"):
                p.add(f"{where}.{key}", "unknown key")
        part = _part(catalog, p, entry["id"], f"{where}.id", kind)
        qty = entry.get("quantity", 1)
        if p.is_int(qty, f"{where}.quantity", 1, limit) and part is not None:
            yield part, qty


def _read_gpus(build: Build, catalog, p: Problems, value, limit: int) -> None:
    later = []
    total = 0
    for where, entry in _entries(p, value, "$.gpus"):
        for key in entry:
            if key not in ("id", "quantity", "slot"):
                p.add(f"{where}.{key}", "unknown key")
        gpu = _part(catalog, p, entry["id"], f"{where}.id", "gpus")
        if gpu is not None and not gpu.sellable:
            p.add(f"{where}.id", f"'{gpu.id}' is a reference GPU kept for calibration; it is not sold")
            gpu = None
        qty = entry.get("quantity", 1)
        ok = p.is_int(qty, f"{where}.quantity", 1, limit)
        slot = entry.get("slot")
        if slot is not None:
            if not p.is_int(slot, f"{where}.slot", 1, limit):
                continue
            if ok and qty != 1:
                p.add(f"{where}.slot", f"a slot holds one card, but the quantity is {qty}")
                continue
        if gpu is None or not ok:
            continue
        total += qty
        if slot is not None:
            build.put_gpu(gpu, slot)
        else:
            later.append((gpu, qty))
    if total > limit:
        p.add("$.gpus", f"{total:,} GPUs per node in total is more than the limit of {limit} (max_quantity)")
        return
    # Cards without a slot take the first free ones, after the placed cards. Once a GPU finds no free slot no
    # later card of it will (slots only fill up), so the rest are added at once: linear in the card count.
    no_room: set[str] = set()
    unplaced = []
    for gpu, qty in later:
        for _ in range(qty):
            slot = None if gpu.id in no_room else free_slot(build, gpu)
            if slot is None:
                no_room.add(gpu.id)
                unplaced.append((gpu, None))
            else:
                build.put_gpu(gpu, slot)
    build.put_gpus(unplaced)


def _read_roi(p: Problems, value) -> RoiAssumptions | None:
    """The optional "roi" object: decimals as strings or numbers, months a whole number; missing fields take
    their defaults, ``cloud_rate`` null means the catalog's rate."""
    if not isinstance(value, dict):
        p.add("$.roi", f"{_show(value)} is not an object")
        return None
    before = len(p.items)
    known = {f for f in RoiAssumptions.__dataclass_fields__}
    values: dict = {}
    for key, item in value.items():
        path = f"$.roi.{key}"
        if key not in known:
            p.add(path, "unknown key")
        elif key == "months":
            if p.is_int(item, path, 1):
                try:
                    values[key] = check_months(item)
                except ConfiguratorError as exc:
                    p.add(path, str(exc))
        elif key == "cloud_rate" and item is None:
            values[key] = None
        elif isinstance(item, bool) or not isinstance(item, (str, int, float)):
            p.add(path, f"{_show(item)} is not a number")
        else:
            try:
                values[key] = check_value(key, item)
            except ConfiguratorError as exc:
                p.add(path, str(exc))
    if len(p.items) > before:
        return None
    return RoiAssumptions(**values)


def _read_custom_circuit(build: Build, p: Problems, value: dict) -> None:
    """$.circuit as {volts, amps, phases}: a wall circuit typed in (phases 1 when absent)."""
    extra = [k for k in value if k not in ("volts", "amps", "phases")]
    for key in extra:
        p.add(f"$.circuit.{key}", "unknown key")
    try:
        build.set_custom_circuit(value.get("volts"), value.get("amps"), value.get("phases", 1))
    except ConfiguratorError as exc:
        p.add("$.circuit", str(exc))
