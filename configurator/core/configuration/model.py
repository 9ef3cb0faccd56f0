"""The build being edited: chassis, platform, GPUs in slots, PSUs, memory, storage, NICs, bridges, services.

Three kinds (``KINDS``): a workstation (PCIe cards in the chassis' physical slot positions), an SXM
server (an HGX board of identical SXM/OAM modules in sockets) and a cluster (``nodes`` identical
servers; every quantity in a cluster build is per node).

Every edit goes through ``place``/``remove``/``move``/``set_quantity`` (checked: they answer with the
reasons a part cannot go where asked and then change nothing) or through the ``put_*`` methods
(unchecked, for loading a file: what does not fit is reported by the rules instead). Each change
emits one ``BuildEvent`` to the subscribers.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Callable, Iterator

from configurator.core import parts
from configurator.core.configuration import placement
from configurator.core.configuration.catalog import Catalog
from configurator.core.errors import InvalidInputError, UnknownPartError
from configurator.core.events import Emitter
from configurator.core.roi import RoiAssumptions
from configurator.core.workload import MAX_WORKLOADS, NamedWorkload, Workload, check_name

WORKSTATION = "workstation"
SXM_SERVER = "sxm_server"
CLUSTER = "cluster"
KINDS = (WORKSTATION, SXM_SERVER, CLUSTER)

# Sections holding (part, quantity) items, named as the catalog kinds (and the build-file keys).
ITEM_SECTIONS = ("psus", "memory", "storage", "network", "bridges", "services")


@dataclass(frozen=True)
class GpuPlacement:
    gpu: parts.Gpu
    slot: int | None  # first slot position covered (workstation) or board socket (HGX), from 1


@dataclass(frozen=True)
class Item:
    part: object
    quantity: int  # per node in a cluster


@dataclass(frozen=True)
class BuildEvent:
    """What changed: ``section`` is 'kind', 'name', 'chassis', 'platform', 'gpus', one of ITEM_SECTIONS,
    'nodes', 'circuit', 'workload' (the selected workload's settings), 'workloads' (one added, removed,
    renamed or selected), 'roi', 'notes', or 'all' (a batch of changes, e.g. a file loaded)."""

    section: str
    action: str  # 'set', 'added', 'removed', 'moved', 'quantity', 'changed'
    part_id: str | None = None
    slot: int | None = None


@dataclass(frozen=True)
class PlaceResult:
    """Where a part went (or would go), or why it cannot. Truthy when it can."""

    slot: int | None = None
    reasons: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.reasons

    def __bool__(self) -> bool:
        return self.ok


def _combine(events: list[BuildEvent]) -> BuildEvent:
    return events[0] if len(events) == 1 else BuildEvent("all", "changed")


class Build:
    def __init__(self, catalog: Catalog, kind: str = WORKSTATION, name: str = ""):
        if kind not in KINDS:
            raise InvalidInputError(f"unknown build kind '{kind}' (one of {', '.join(KINDS)})")
        self.catalog = catalog
        self._kind = kind
        self._name = name
        self._chassis: parts.Chassis | None = None
        self._platform: parts.Platform | None = None
        self._gpus: list[GpuPlacement] = []
        self._items: dict[str, list[Item]] = {s: [] for s in ITEM_SECTIONS}
        self._nodes = 2 if kind == CLUSTER else 1
        self._circuit_id: str | None = None
        self._custom_circuit = None  # a circuits.WallCircuit typed in (volts, amps, phases), else None
        # The workloads, in order, and the one selected (the window edits it, the charts follow it).
        self._workloads: list[NamedWorkload] = [NamedWorkload()]
        self._selected = 0
        self._roi = RoiAssumptions()  # ROI assumptions (core/roi.py), saved with the build
        self._notes = ""
        self.changes: Emitter[BuildEvent] = Emitter()

    # -- observers --------------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[BuildEvent], None]) -> Callable[[], None]:
        return self.changes.subscribe(listener)

    def unsubscribe(self, listener: Callable[[BuildEvent], None]) -> None:
        self.changes.unsubscribe(listener)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several changes, one event (section 'all' unless exactly one change happened)."""
        with self.changes.held(_combine):
            yield

    def _emit(self, section: str, action: str, part_id: str | None = None, slot: int | None = None) -> None:
        self.changes.emit(BuildEvent(section, action, part_id, slot))

    # -- reading ----------------------------------------------------------------------------------
    kind = property(lambda self: self._kind)
    name = property(lambda self: self._name)
    chassis = property(lambda self: self._chassis)
    platform = property(lambda self: self._platform)
    nodes = property(lambda self: self._nodes)
    circuit_id = property(lambda self: self._circuit_id)
    workloads = property(lambda self: tuple(self._workloads))
    selected_workload = property(lambda self: self._selected)  # index into workloads
    workload = property(lambda self: self._workloads[self._selected].workload)  # the selected one's settings
    roi = property(lambda self: self._roi)
    notes = property(lambda self: self._notes)

    @property
    def gpus(self) -> tuple[GpuPlacement, ...]:
        return tuple(self._gpus)

    def items(self, section: str) -> tuple[Item, ...]:
        return tuple(self._items[section])

    psus = property(lambda self: self.items("psus"))
    memory = property(lambda self: self.items("memory"))
    storage = property(lambda self: self.items("storage"))
    network = property(lambda self: self.items("network"))
    bridges = property(lambda self: self.items("bridges"))
    services = property(lambda self: self.items("services"))

    @property
    def on_board(self) -> bool:
        """GPUs sit in HGX board sockets (else in PCIe slot positions)."""
        if self._chassis is not None:
            return self._chassis.kind == "hgx"
        return self._kind != WORKSTATION

    @property
    def gpus_per_node(self) -> int:
        return len(self._gpus)

    @property
    def total_gpus(self) -> int:
        return len(self._gpus) * self._nodes

    def gpu_counts(self) -> Counter:
        """GPU id -> cards per node, in order of first appearance."""
        return Counter(p.gpu.id for p in self._gpus)

    def quantity(self, part_id: str) -> int:
        """How many of ``part_id`` one node holds (0 when absent)."""
        if self._chassis is not None and self._chassis.id == part_id:
            return 1
        if self._platform is not None and self._platform.id == part_id:
            return 1
        n = sum(1 for p in self._gpus if p.gpu.id == part_id)
        return n + sum(i.quantity for s in ITEM_SECTIONS for i in self._items[s] if i.part.id == part_id)

    def count(self, section: str) -> int:
        return sum(i.quantity for i in self._items[section])

    @property
    def circuit(self) -> parts.Circuit | None:
        """The wall circuit one node is fed from (a circuits.WallCircuit, with ``phases``): one typed in, the
        build's catalog choice, else the chassis default."""
        from configurator.core.configuration import circuits

        if self._custom_circuit is not None:
            return self._custom_circuit
        cid = self._circuit_id or (self._chassis.circuit if self._chassis else None)
        return circuits.from_catalog(self.catalog.circuit(cid)) if cid else None

    custom_circuit = property(lambda self: self._custom_circuit)

    def param(self, key: str) -> float:
        """A rule threshold from the catalog (db/rule_params.csv)."""
        return float(self.catalog.rule_param(key))

    def gpu_at(self, slot: int) -> GpuPlacement | None:
        return next((p for p in self._gpus if p.slot == slot), None)

    # -- simple setters ---------------------------------------------------------------------------
    def set_kind(self, kind: str) -> None:
        if kind not in KINDS:
            raise InvalidInputError(f"unknown build kind '{kind}' (one of {', '.join(KINDS)})")
        if kind != self._kind:
            with self.batch():
                self._kind = kind
                self._emit("kind", "set")
                if kind != CLUSTER and self._nodes != 1:
                    self._nodes = 1
                    self._emit("nodes", "set")

    def set_name(self, name: str) -> None:
        self._name = name
        self._emit("name", "set")

    def set_nodes(self, nodes: int) -> None:
        if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes < 1:
            raise InvalidInputError(f"node count must be a whole number of at least 1, not {nodes!r}")
        if nodes != 1 and self._kind != CLUSTER:
            raise InvalidInputError("only a cluster build has more than one node")
        limit = int(self.param("max_nodes"))
        if nodes > limit:
            raise InvalidInputError(f"{nodes} nodes is more than the limit of {limit}")
        self._nodes = nodes
        self._emit("nodes", "set")

    def set_circuit(self, circuit_id: str | None) -> None:
        if circuit_id is not None:
            self.catalog.circuit(circuit_id)  # UnknownPartError for a typo
        self._circuit_id = circuit_id
        self._custom_circuit = None
        self._emit("circuit", "set", circuit_id)

    def set_custom_circuit(self, volts: float, amps: float, phases: int = 1) -> None:
        """A wall circuit typed in (InvalidInputError for a value out of range): replaces the catalog choice."""
        from configurator.core.configuration import circuits

        self._custom_circuit = circuits.custom(volts, amps, phases)
        self._circuit_id = None
        self._emit("circuit", "set", circuits.CUSTOM_ID)

    def set_workload(self, workload: Workload) -> None:
        """Change the selected workload's settings (its name stays)."""
        if not isinstance(workload, Workload):
            raise InvalidInputError("a workload must be a Workload")
        self._workloads[self._selected] = replace(self._workloads[self._selected], workload=workload)
        self._emit("workload", "set")

    # -- several workloads ------------------------------------------------------------------------
    def _index(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self._workloads):
            raise InvalidInputError(f"there is no workload {index!r} (the build has {len(self._workloads)})")
        return index

    def _check_unique(self, name: str, besides: int | None = None) -> None:
        if name and any(w.name.casefold() == name.casefold() for i, w in enumerate(self._workloads)
                        if i != besides):
            raise InvalidInputError(f"another workload is already named '{name}'")

    def add_workload(self, workload: Workload | None = None, name: str = "", select: bool = True) -> int:
        """Append a workload (default settings when None) and select it; its index."""
        if len(self._workloads) >= MAX_WORKLOADS:
            raise InvalidInputError(f"a build holds at most {MAX_WORKLOADS} workloads")
        name = check_name(name)
        self._check_unique(name)
        self._workloads.append(NamedWorkload(name, workload if workload is not None else Workload()))
        if select:
            self._selected = len(self._workloads) - 1
        self._emit("workloads", "added")
        return len(self._workloads) - 1

    def remove_workload(self, index: int) -> None:
        """Remove a workload (a build keeps at least one); the selection stays on the same workload, or moves
        to its neighbour when the selected one goes."""
        index = self._index(index)
        if len(self._workloads) == 1:
            raise InvalidInputError("a build keeps at least one workload")
        del self._workloads[index]
        if self._selected > index or self._selected == len(self._workloads):
            self._selected -= 1
        self._emit("workloads", "removed")

    def rename_workload(self, index: int, name: str) -> None:
        """Name a workload ("" = unnamed: shown by its kind and model); names are unique, ignoring case."""
        index = self._index(index)
        name = check_name(name)
        self._check_unique(name, besides=index)
        self._workloads[index] = replace(self._workloads[index], name=name)
        self._emit("workloads", "changed")

    def select_workload(self, index: int) -> None:
        self._selected = self._index(index)
        self._emit("workloads", "set")

    def put_workloads(self, workloads: list[NamedWorkload], selected: int = 0) -> None:
        """All workloads at once (loading a file); the checks of add/rename apply."""
        if not workloads or len(workloads) > MAX_WORKLOADS:
            raise InvalidInputError(f"a build holds 1 to {MAX_WORKLOADS} workloads, not {len(workloads)}")
        names = [check_name(w.name).casefold() for w in workloads]
        if len([n for n in names if n]) != len({n for n in names if n}):
            raise InvalidInputError("two workloads have the same name")
        if not 0 <= selected < len(workloads):
            raise InvalidInputError(f"there is no workload {selected} to select")
        self._workloads = list(workloads)
        self._selected = selected
        self._emit("workloads", "set")

    def set_roi(self, assumptions: RoiAssumptions) -> None:
        if not isinstance(assumptions, RoiAssumptions):
            raise InvalidInputError("ROI assumptions must be a RoiAssumptions")
        self._roi = assumptions
        self._emit("roi", "set")

    def set_notes(self, notes: str) -> None:
        self._notes = notes
        self._emit("notes", "set")

    def assign(self, other: "Build") -> None:
        """Take over everything ``other`` holds (open a file, undo/redo to a snapshot), keeping this
        object and its subscribers; one 'all' event."""
        self._kind = other._kind
        self._name = other._name
        self._chassis = other._chassis
        self._platform = other._platform
        self._gpus = list(other._gpus)
        self._items = {s: list(other._items[s]) for s in ITEM_SECTIONS}
        self._nodes = other._nodes
        self._circuit_id = other._circuit_id
        self._custom_circuit = other._custom_circuit
        self._workloads = list(other._workloads)
        self._selected = other._selected
        self._roi = other._roi
        self._notes = other._notes
        self._emit("all", "changed")

    # -- unchecked edits (loading a file) ---------------------------------------------------------
    def put_chassis(self, chassis: parts.Chassis | None) -> None:
        self._chassis = chassis
        self._emit("chassis", "set", chassis.id if chassis else None)

    def put_platform(self, platform: parts.Platform | None) -> None:
        self._platform = platform
        self._emit("platform", "set", platform.id if platform else None)

    def put_gpu(self, gpu: parts.Gpu, slot: int | None) -> None:
        self._gpus.append(GpuPlacement(gpu, slot))
        self._sort_gpus()
        self._emit("gpus", "added", gpu.id, slot)

    def put_gpus(self, cards: list[tuple[parts.Gpu, int | None]]) -> None:
        """Several unchecked cards at once (loading a file): one sort for all, linear in their number."""
        if not cards:
            return
        self._gpus.extend(GpuPlacement(gpu, slot) for gpu, slot in cards)
        self._sort_gpus()
        for gpu, slot in cards:
            self._emit("gpus", "added", gpu.id, slot)

    def put_item(self, section: str, part: object, quantity: int) -> None:
        """Set the quantity of ``part`` in ``section`` (0 removes it)."""
        items = self._items[section]
        idx = next((i for i, it in enumerate(items) if it.part.id == part.id), None)
        if quantity <= 0:
            if idx is not None:
                del items[idx]
                self._emit(section, "removed", part.id)
            return
        if idx is None:
            items.append(Item(part, quantity))
            self._emit(section, "added", part.id)
        else:
            items[idx] = replace(items[idx], quantity=quantity)
            self._emit(section, "quantity", part.id)

    def _sort_gpus(self) -> None:
        self._gpus.sort(key=lambda p: (p.slot is None, p.slot or 0))

    # -- checked edits ----------------------------------------------------------------------------
    def resolve(self, part: str | object) -> tuple[str, object]:
        """(catalog kind, part) for an id or a part; UnknownPartError for an unknown id."""
        part_id = part if isinstance(part, str) else part.id  # type: ignore[attr-defined]
        return self.catalog.find(part_id)

    def can_place(self, part: str | object, slot: int | None = None) -> PlaceResult:
        """Where ``part`` would go (slot for a GPU), or the reasons it cannot; changes nothing."""
        try:
            kind, obj = self.resolve(part)
        except UnknownPartError as exc:
            return PlaceResult(None, (f"There is no part '{exc.part_id}' in the catalog.",))
        slot_to, reasons = placement.check_place(self, kind, obj, slot)
        return PlaceResult(slot_to, tuple(reasons))

    def place(self, part: str | object, slot: int | None = None) -> PlaceResult:
        """Add one ``part`` (a chassis or platform replaces the current one); a GPU goes to ``slot`` or
        the first free position/socket. Returns where it went, or the reasons (and changes nothing)."""
        result = self.can_place(part, slot)
        if not result:
            return result
        kind, obj = self.resolve(part)
        if kind == "chassis":
            self.put_chassis(obj)  # type: ignore[arg-type]
        elif kind == "platforms":
            self.put_platform(obj)  # type: ignore[arg-type]
        elif kind == "gpus":
            self.put_gpu(obj, result.slot)  # type: ignore[arg-type]
        else:
            self.put_item(kind, obj, self.quantity(obj.id) + 1)  # type: ignore[attr-defined]
        return result

    def remove(self, part_id: str, slot: int | None = None) -> int | None:
        """Remove ``part_id``: a GPU at ``slot`` (or its last card), a chassis/platform, or a whole item
        line. Returns the slot a GPU was taken from (for undo)."""
        if self._chassis is not None and self._chassis.id == part_id:
            self.put_chassis(None)
            return None
        if self._platform is not None and self._platform.id == part_id:
            self.put_platform(None)
            return None
        cards = [p for p in self._gpus if p.gpu.id == part_id and (slot is None or p.slot == slot)]
        if cards:
            card = cards[-1]
            self._gpus.remove(card)
            self._emit("gpus", "removed", part_id, card.slot)
            return card.slot
        for section in ITEM_SECTIONS:
            item = next((i for i in self._items[section] if i.part.id == part_id), None)
            if item is not None:
                self.put_item(section, item.part, 0)
                return None
        where = f" in slot {slot}" if slot is not None else ""
        raise InvalidInputError(f"the build has no '{part_id}'{where}")

    def can_move(self, from_slot: int, to_slot: int) -> PlaceResult:
        card = self.gpu_at(from_slot)
        if card is None:
            return PlaceResult(None, (f"There is no GPU in slot {from_slot}.",))
        reasons = placement.gpu_reasons(self, card.gpu, to_slot, ignore=card)
        return PlaceResult(to_slot, tuple(reasons))

    def move(self, from_slot: int, to_slot: int) -> PlaceResult:
        """Move the GPU at ``from_slot`` so that it starts at ``to_slot``."""
        result = self.can_move(from_slot, to_slot)
        if result and from_slot != to_slot:
            card = self.gpu_at(from_slot)
            assert card is not None
            self._gpus[self._gpus.index(card)] = GpuPlacement(card.gpu, to_slot)
            self._sort_gpus()
            self._emit("gpus", "moved", card.gpu.id, to_slot)
        return result

    def set_quantity(self, part_id: str, quantity: int) -> PlaceResult:
        """Set how many of ``part_id`` one node holds (GPUs are added to free slots or removed from the
        highest ones). Returns the reasons when it cannot, and then changes nothing."""
        try:
            kind, obj = self.resolve(part_id)
        except UnknownPartError as exc:
            return PlaceResult(None, (str(exc),))
        reasons = placement.quantity_reasons(self, kind, obj, quantity)
        if reasons:
            return PlaceResult(None, tuple(reasons))
        if kind == "gpus":
            with self.batch():
                while self.quantity(part_id) > quantity:
                    self.remove(part_id)
                while self.quantity(part_id) < quantity:
                    slot, _ = placement.check_place(self, kind, obj, None)
                    self.put_gpu(obj, slot)  # type: ignore[arg-type]
        else:
            self.put_item(kind, obj, quantity)
        return PlaceResult()
