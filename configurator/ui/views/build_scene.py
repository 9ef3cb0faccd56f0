"""Where everything of a build is drawn: a layout of hit targets computed from the build and a size.

The scene is plain geometry (no painting, no widgets), so hit testing and the drawing agree by
construction and tests can ask what is drawn where. Three pictures:

- workstation (tower or PCIe server): the chassis' slot positions as rows, each GPU a card spanning
  its width in positions (a double-width card covers two rows);
- SXM server: the HGX board with its 4 or 8 sockets;
- cluster: one tile per node (each with its board or slots; at most ``MAX_TILES`` drawn) above
  the fabric bar.

Above the picture: the chassis and the platform; below it: the other parts as chips with their
quantities (per node).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF

from configurator.core.configuration import CLUSTER, ITEM_SECTIONS
from configurator.core.configuration.placement import card_width

MARGIN = 12.0
GAP = 8.0
TITLE_H = 30.0
CHIP_H = 48.0  # touch-sized: a finger is about 9 mm, 48 px at 130 dpi
CHIP_MIN_W = 200.0
SLOT_LABEL_W = 44.0
ROW_MAX_H = 64.0  # slot row height; rows shrink to fit a short view
SOCKET_MIN, SOCKET_MAX = 56.0, 150.0
FABRIC_H = 40.0
MAX_TILES = 8  # nodes drawn; the rest are identical and counted in the fabric label

SECTION_WORDS = {
    "psus": "PSU", "memory": "Memory", "storage": "Storage", "network": "Network", "bridges": "NVLink",
    "services": "Service", "gpus": "GPU (no slot)",
}


@dataclass(frozen=True)
class Target:
    """One drawn thing the pointer can hit.

    kind: 'gpu' (a card or module in place), 'slot' (an empty PCIe position), 'socket' (an empty
    board socket), 'part' (a chip: chassis, platform or an item line), 'placeholder' (no chassis or
    platform yet).
    """

    kind: str
    rect: QRectF
    section: str = ""
    part: object | None = None
    slot: int | None = None  # first slot position or socket number
    span: int = 1  # slot positions covered
    quantity: int = 1
    node: int = 0  # cluster node tile (0 otherwise)

    @property
    def part_id(self) -> str | None:
        return getattr(self.part, "id", None)

    @property
    def selectable(self) -> bool:
        return self.kind in ("gpu", "part", "slot", "socket") and self.node == 0


@dataclass(frozen=True)
class Frame:
    """Decoration: 'chassis', 'slot_label', 'board', 'node', 'fabric', 'link', 'empty' (nothing there yet)."""

    kind: str
    rect: QRectF
    label: str = ""


@dataclass
class BuildScene:
    title: str = ""
    on_board: bool = False
    frames: list[Frame] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    # Slot rows (workstation) or sockets (board) per node tile: slot number -> rect, for hit tests.
    slot_areas: list[dict[int, QRectF]] = field(default_factory=list)
    nodes_drawn: int = 0

    def target_at(self, pos: QPointF) -> Target | None:
        # Chips and cards are drawn above slots and frames: the last hit wins.
        return next((t for t in reversed(self.targets) if t.rect.contains(pos)), None)

    def slot_at(self, pos: QPointF) -> int | None:
        """Slot position or socket under ``pos`` (any node tile), None outside the slots."""
        for area in self.slot_areas:
            for slot, rect in area.items():
                if rect.contains(pos):
                    return slot
        return None

    def slot_rect(self, slot: int | None, span: int = 1, node: int = 0) -> QRectF | None:
        """Rectangle covering ``span`` positions from ``slot`` in node tile ``node``."""
        if slot is None or node >= len(self.slot_areas):
            return None
        area = self.slot_areas[node]
        rects = [area[s] for s in range(slot, slot + (1 if self.on_board else span)) if s in area]
        if not rects:
            return None
        out = QRectF(rects[0])
        for r in rects[1:]:
            out = out.united(r)
        return out

    def landing_rect(self, section: str, slot: int | None, span: int, part_id: str | None, pos: QPointF,
                     whole: QRectF) -> QRectF:
        """Where to draw a drop verdict: the slot(s) a GPU lands on (in the node tile under ``pos``),
        the chassis/platform chip it replaces, the chip of the part it adds to, else ``whole``."""
        if section == "gpus" and slot is not None:
            node = next((i for i, area in enumerate(self.slot_areas)
                         if any(r.contains(pos) for r in area.values())), 0)
            rect = self.slot_rect(slot, span, node)
            if rect is not None:
                return rect
        if section in ("chassis", "platforms"):
            chip = next((t for t in self.targets if t.section == section and t.kind in ("part", "placeholder")),
                        None)
            if chip is not None:
                return chip.rect
        chip = next((t for t in self.targets if t.kind == "part" and t.part_id == part_id), None)
        return chip.rect if chip is not None else whole

    def targets_of(self, part_id: str) -> list[Target]:
        return [t for t in self.targets if t.part_id == part_id]

    def selectable(self) -> list[Target]:
        """Targets the keyboard walks through, in reading order (top to bottom, left to right)."""
        return sorted((t for t in self.targets if t.selectable), key=lambda t: (round(t.rect.top()), t.rect.left()))

    def count(self, kind: str, node: int | None = None) -> int:
        return sum(1 for t in self.targets if t.kind == kind and (node is None or t.node == node))


def _chip_rows(n: int, width: float) -> tuple[int, int]:
    per_row = max(1, int((width + GAP) // (CHIP_MIN_W + GAP)))
    return per_row, math.ceil(n / per_row) if n else 0


def layout(build, width: float, height: float) -> BuildScene:
    scene = BuildScene(on_board=build.on_board)
    kind_words = {"workstation": "Workstation", "sxm_server": "SXM server", "cluster": "Cluster"}[build.kind]
    nodes = f" · {build.nodes} nodes" if build.kind == CLUSTER else ""
    scene.title = f"{build.name or 'Untitled build'} — {kind_words}{nodes}"
    inner = QRectF(MARGIN, MARGIN, max(width - 2 * MARGIN, 1.0), max(height - 2 * MARGIN, 1.0))
    y = inner.top() + TITLE_H

    # Chassis and platform side by side.
    half = (inner.width() - GAP) / 2
    for i, (section, part, hint) in enumerate((
        ("chassis", build.chassis, "No chassis: drop one here"),
        ("platforms", build.platform, "No platform: drop a CPU platform here"),
    )):
        rect = QRectF(inner.left() + i * (half + GAP), y, half, CHIP_H)
        scene.targets.append(Target("part" if part else "placeholder", rect, section, part))
    y += CHIP_H + GAP

    # Other parts as chips at the bottom (GPUs without a slot first, then each section).
    chips: list[tuple[str, object, int]] = [("gpus", p.gpu, 1) for p in build.gpus if p.slot is None]
    for section in ITEM_SECTIONS:
        chips.extend((section, item.part, item.quantity) for item in build.items(section))
    per_row, rows = _chip_rows(len(chips), inner.width())
    chips_h = rows * CHIP_H + max(rows - 1, 0) * GAP
    bottom = inner.bottom() - chips_h - (GAP if rows else 0)
    chip_w = (inner.width() - (per_row - 1) * GAP) / per_row
    picture = QRectF(inner.left(), y, inner.width(), max(bottom - y, 60.0))

    if build.chassis is None:
        scene.frames.append(Frame("empty", picture, "Drop a chassis from the catalog to start the build"))
    elif build.kind == CLUSTER:
        _cluster(scene, build, picture)
    elif build.on_board:
        _board(scene, build, picture, node=0)
    else:
        _slots(scene, build, picture, node=0)

    for i, (section, part, quantity) in enumerate(chips):
        row, col = divmod(i, per_row)
        rect = QRectF(inner.left() + col * (chip_w + GAP), bottom + GAP + row * (CHIP_H + GAP), chip_w, CHIP_H)
        scene.targets.append(Target("part", rect, section, part, quantity=quantity))
    return scene


def _slots(scene: BuildScene, build, area: QRectF, node: int, compact: bool = False) -> None:
    """PCIe slot positions as rows; each card spans its width in rows."""
    chassis = build.chassis
    n = max(chassis.slot_positions, 1)
    # Rows never spill over the part chips below: in a short view they shrink.
    row_h = area.height() / n if compact else min(area.height() / n, ROW_MAX_H)
    tower_w = area.width() if compact else min(area.width(), 560.0)
    tower = QRectF(area.left() + (area.width() - tower_w) / 2, area.top(), tower_w, row_h * n)
    if not compact:
        scene.frames.append(Frame("chassis", tower.adjusted(-4, -4, 4, 4), chassis.name))
    label_w = 0.0 if compact else SLOT_LABEL_W
    rows: dict[int, QRectF] = {}
    for s in range(1, n + 1):
        rows[s] = QRectF(tower.left() + label_w, tower.top() + (s - 1) * row_h, tower.width() - label_w, row_h)
        if not compact:
            scene.frames.append(Frame("slot_label", QRectF(tower.left(), rows[s].top(), label_w, row_h), str(s)))
    scene.slot_areas.append(rows)
    covered: set[int] = set()
    for p in build.gpus:
        if p.slot is None:
            continue
        span = card_width(p.gpu)
        covered.update(range(p.slot, p.slot + span))
        rect = scene.slot_rect(p.slot, span, node)
        if rect is not None:
            scene.targets.append(Target("gpu", rect.adjusted(2, 2, -2, -2), "gpus", p.gpu, p.slot, span, node=node))
    for s, rect in rows.items():
        if s not in covered:
            scene.targets.append(Target("slot", rect.adjusted(2, 2, -2, -2), "gpus", None, s, node=node))


def _board(scene: BuildScene, build, area: QRectF, node: int, compact: bool = False) -> None:
    """The HGX board: sockets in rows of four."""
    chassis = build.chassis
    n = max(chassis.max_gpus, 1)
    header = 0.0 if compact else 28.0

    def fit(cols: int) -> float:
        rows = math.ceil(n / cols)
        return min((area.width() - (cols + 1) * GAP) / cols, (area.height() - header - (rows + 1) * GAP) / rows)

    # Rows of four on the full-size board (how HGX boards look); node tiles take the densest grid.
    cols = max((c for c in (1, 2, 4, 8) if c <= n), key=fit) if compact else min(n, 4)
    rows = math.ceil(n / cols)
    if compact:
        size = max(fit(cols), 4.0)
        board = QRectF(area.left(), area.top(), area.width(), rows * size + (rows + 1) * GAP)
    else:
        size = min(max(fit(cols), SOCKET_MIN), SOCKET_MAX)
        board_w, board_h = cols * size + (cols + 1) * GAP, header + rows * size + (rows + 1) * GAP
        board = QRectF(area.left() + max(area.width() - board_w, 0) / 2, area.top(), board_w, board_h)
    scene.frames.append(Frame("board", board, "" if compact else f"HGX board · {n} SXM sockets · NVLink"))
    grid_w, grid_h = cols * size + (cols - 1) * GAP, rows * size + (rows - 1) * GAP
    x0 = board.left() + (board.width() - grid_w) / 2
    y0 = board.top() + header + (board.height() - header - grid_h) / 2
    sockets: dict[int, QRectF] = {}
    for s in range(1, n + 1):
        r, c = divmod(s - 1, cols)
        sockets[s] = QRectF(x0 + c * (size + GAP), y0 + r * (size + GAP), size, size)
    scene.slot_areas.append(sockets)
    placed = {p.slot: p for p in build.gpus if p.slot is not None}
    for s, rect in sockets.items():
        p = placed.get(s)
        if p is not None:
            scene.targets.append(Target("gpu", rect, "gpus", p.gpu, s, node=node))
        else:
            scene.targets.append(Target("socket", rect, "gpus", None, s, node=node))


def _socket_size(n: int, width: float, height: float) -> float:
    """Largest square socket that fits ``n`` sockets in a width x height area (best grid)."""
    best = 0.0
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        best = max(best, min((width - (cols + 1) * GAP) / cols, (height - (rows + 1) * GAP) / rows))
    return best


def _cluster(scene: BuildScene, build, area: QRectF) -> None:
    shown = min(build.nodes, MAX_TILES)
    scene.nodes_drawn = shown
    tiles_h = area.height() - FABRIC_H - 2 * GAP
    per_node = max(build.chassis.max_gpus if build.on_board else build.chassis.slot_positions, 1)

    def socket_for(cols: int) -> float:
        rows = math.ceil(shown / cols)
        w = (area.width() - (cols - 1) * GAP) / cols - 2 * GAP
        h = (tiles_h - (rows - 1) * GAP) / rows - 26.0 - GAP
        return _socket_size(per_node, w, h)

    # The tile grid that leaves each node's sockets (or slots) the most room to be seen and hit.
    cols = max(range(1, shown + 1), key=socket_for)
    rows = math.ceil(shown / cols)
    tile_w = (area.width() - (cols - 1) * GAP) / cols
    tile_h = (tiles_h - (rows - 1) * GAP) / rows
    fabric_top = area.top() + rows * tile_h + (rows - 1) * GAP + 2 * GAP
    fabric = QRectF(area.left(), fabric_top, area.width(), FABRIC_H)
    nics = ", ".join(f"{i.quantity} × {i.part.name}" for i in build.network) or "no network cards yet"
    more = f" (+{build.nodes - shown} more nodes)" if build.nodes > shown else ""
    for i in range(shown):
        r, c = divmod(i, cols)
        tile = QRectF(area.left() + c * (tile_w + GAP), area.top() + r * (tile_h + GAP), tile_w, tile_h)
        scene.frames.append(Frame("node", tile, f"Node {i + 1}"))
        centre_x = tile.center().x()
        scene.frames.append(Frame("link", QRectF(centre_x - 1.5, tile.bottom(), 3.0, fabric.top() - tile.bottom())))
        inside = tile.adjusted(GAP, 26.0, -GAP, -GAP)
        if build.on_board:
            _board(scene, build, inside, node=i, compact=True)
        else:
            _slots(scene, build, inside, node=i, compact=True)
    scene.frames.append(Frame("fabric", fabric, f"Fabric per node: {nics}{more}"))
