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
from configurator.core.configuration.constraints import board_gpus
from configurator.core.configuration.placement import card_width
from configurator.core.errors import ConfiguratorError
from configurator.present.boards import board_label

MARGIN = 12.0
GAP = 8.0
TITLE_H = 30.0
CHIP_H = 48.0  # touch-sized: a finger is about 9 mm, 48 px at 130 dpi
CHIP_MIN_W = 200.0
SLOT_LABEL_W = 44.0
ROW_MAX_H = 64.0  # slot row height; rows shrink to fit a short view
ROW_MIN_H = 28.0  # ... but never below a readable, hittable row (the view scrolls instead)
TOWER_MIN_W = 300.0
CHIP_MAX_W = 300.0
SOCKET_MIN, SOCKET_MAX = 56.0, 150.0
BOARD_HEADER_H = 28.0
TILE_MIN_W, TILE_MIN_H = 150.0, 120.0  # a cluster node tile
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
    min_height: float = 0.0  # the least view height at this width with nothing overlapping
    layout_mode: str = "below"  # where the part chips went: 'below' or 'side' (of the picture)

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


def _chips_height(rows: int) -> float:
    return rows * CHIP_H + max(rows - 1, 0) * GAP


def _picture_min(build, width: float) -> tuple[float, float]:
    """(least width, least height) the picture needs to stay readable and hittable: slot rows of ROW_MIN_H,
    sockets of SOCKET_MIN, node tiles of TILE_MIN_H."""
    chassis = build.chassis
    if chassis is None:
        return 200.0, 80.0
    if build.kind == CLUSTER:
        shown = min(build.nodes, MAX_TILES)
        cols = max(1, min(shown, int((width + GAP) // (TILE_MIN_W + GAP))))
        rows = math.ceil(shown / cols)
        return TILE_MIN_W, rows * TILE_MIN_H + (rows - 1) * GAP + FABRIC_H + 2 * GAP
    if build.on_board:
        n = max(chassis.max_gpus, 1)
        cols = min(n, 4)
        rows = math.ceil(n / cols)
        return (cols * SOCKET_MIN + (cols + 1) * GAP,
                BOARD_HEADER_H + rows * SOCKET_MIN + (rows + 1) * GAP)
    return TOWER_MIN_W, max(chassis.slot_positions, 1) * ROW_MIN_H + 8.0


@dataclass(frozen=True)
class _Plan:
    """Where the picture and the chips go: 'below' (chips in rows under the picture) or 'side' (chips in
    ``cols`` columns right of it), and the least height that arrangement needs."""

    mode: str
    cols: int
    needed_h: float  # from the picture's top to the last chip's bottom


def _plans(build, n_chips: int, width: float) -> list[_Plan]:
    pic_w, pic_h = _picture_min(build, width)
    per_row, rows = _chip_rows(n_chips, width)
    plans = [_Plan("below", per_row, pic_h + (GAP + _chips_height(rows) if rows else 0.0))]
    if n_chips and build.kind != CLUSTER and build.chassis is not None:
        for cols in (1, 2, 3):
            chips_w = cols * CHIP_MIN_W + (cols - 1) * GAP
            if width - chips_w - 2 * GAP < pic_w:
                break
            plans.append(_Plan("side", cols, max(pic_h, _chips_height(math.ceil(n_chips / cols)))))
    return plans


def _choose(plans: list[_Plan], avail_h: float) -> _Plan:
    """The arrangement that fits the height, preferring chips below (the picture keeps the full width);
    when none fits, the one needing the least height (the view scrolls for the rest)."""
    fitting = [p for p in plans if p.needed_h <= avail_h]
    if fitting:
        return fitting[0] if fitting[0].mode == "below" else max(fitting, key=lambda p: (-p.cols,))
    return min(plans, key=lambda p: p.needed_h)


def layout(build, width: float, height: float) -> BuildScene:
    """The scene of ``build`` in a width x height view. Nothing overlaps: when the view is too short the
    scene grows past ``height`` (``scene.min_height`` says how tall it must be; the window scrolls)."""
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

    # Other parts as chips (GPUs without a slot first, then each section), below or beside the picture.
    chips: list[tuple[str, object, int]] = [("gpus", p.gpu, 1) for p in build.gpus if p.slot is None]
    for section in ITEM_SECTIONS:
        chips.extend((section, item.part, item.quantity) for item in build.items(section))
    avail_h = inner.bottom() - y
    plans = _plans(build, len(chips), inner.width())
    plan = _choose(plans, avail_h)
    scene.min_height = y + min(p.needed_h for p in plans) + MARGIN
    scene.layout_mode = plan.mode
    if plan.mode == "below":
        per_row, rows = plan.cols, math.ceil(len(chips) / plan.cols) if chips else 0
        chips_h = _chips_height(rows)
        _, pic_min_h = _picture_min(build, inner.width())
        bottom = max(inner.bottom() - chips_h - (GAP if rows else 0), y + pic_min_h)
        picture = QRectF(inner.left(), y, inner.width(), bottom - y)
        chip_w = (inner.width() - (per_row - 1) * GAP) / per_row
        chip_rects = [QRectF(inner.left() + col * (chip_w + GAP), bottom + GAP + row * (CHIP_H + GAP), chip_w, CHIP_H)
                      for row, col in (divmod(i, per_row) for i in range(len(chips)))]
    else:
        cols = plan.cols
        chips_w = cols * CHIP_MIN_W + (cols - 1) * GAP
        extra = min((inner.width() - chips_w - 2 * GAP) - _picture_min(build, inner.width())[0],
                    cols * (CHIP_MAX_W - CHIP_MIN_W))  # widen the chips a little when there is room
        chip_w = CHIP_MIN_W + max(extra, 0.0) / cols
        chips_w = cols * chip_w + (cols - 1) * GAP
        picture_h = max(avail_h, plan.needed_h)
        picture = QRectF(inner.left(), y, inner.width() - chips_w - 2 * GAP, picture_h)
        x0 = picture.right() + 2 * GAP
        chip_rects = [QRectF(x0 + col * (chip_w + GAP), y + row * (CHIP_H + GAP), chip_w, CHIP_H)
                      for row, col in (divmod(i, cols) for i in range(len(chips)))]

    if build.chassis is None:
        scene.frames.append(Frame("empty", picture, "Drop a chassis from the catalog to start the build"))
    elif build.kind == CLUSTER:
        _cluster(scene, build, picture)
    elif build.on_board:
        _board(scene, build, picture, node=0)
    else:
        _slots(scene, build, picture, node=0)

    for (section, part, quantity), rect in zip(chips, chip_rects):
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


def _board_vendor(build) -> str:
    """The GPU vendor of the board: its GPUs', else the first GPU its chassis takes (NVIDIA HGX, AMD OAM)."""
    if build.gpus:
        return build.gpus[0].gpu.vendor
    for gpu_id in board_gpus(build.chassis):
        try:
            return build.catalog.gpu(gpu_id).vendor
        except ConfiguratorError:
            continue
    return ""


def _board(scene: BuildScene, build, area: QRectF, node: int, compact: bool = False) -> None:
    """The HGX board: sockets in rows of four."""
    chassis = build.chassis
    n = max(chassis.max_gpus, 1)
    header = 0.0 if compact else BOARD_HEADER_H

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
    scene.frames.append(Frame("board", board, "" if compact else board_label(_board_vendor(build), n)))
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
