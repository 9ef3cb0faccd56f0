"""The open build as the window sees it: the core Build, its file, its undo stack and its analysis.

Every user action goes through a method here that checks with the core, changes the build and pushes
one undo command. The build's change events become Qt signals; the analysis (rules, pricing, sizing:
``core.analysis.analyze``) is recomputed at most once per frame after changes and announced with
``analysis_ready``. Nothing here computes a figure itself.

``revision`` counts every change of the build (an edit, an undo, a redo, a merged slider move): the
autosave follows it, not the undo index (a merge leaves the index as it is). Edits merge into one undo
step only within one gesture (ui/undo.py). Every ``CATALOG_POLL_MS`` the document asks the catalog
whether prices were imported meanwhile (by this or another process) and recomputes the analysis, so the
price panel and the next quote use the new prices.
"""

from __future__ import annotations

import time
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from configurator.core import buildfile
from configurator.core.analysis import Analysis, SizingCache, analyze
from configurator.core.configuration import Build, BuildEvent, PlaceResult
from configurator.core.errors import ConfiguratorError
from configurator.core.workload import Workload
from configurator.ui.undo import GestureClock, SnapshotCommand

FRAME_S = 1 / 60  # recompute the analysis at most once per 60 Hz frame
CATALOG_POLL_MS = 2000  # how often a price import elsewhere is looked for (a cheap SQLite counter read)


class BuildDocument(QObject):
    build_changed = Signal(object)  # BuildEvent
    analysis_ready = Signal(object)  # Analysis
    path_changed = Signal(object)  # Path | None
    modified_changed = Signal(bool)

    def __init__(self, catalog, undo_stack: QUndoStack | None = None, parent=None):
        super().__init__(parent)
        self.catalog = catalog
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.path: Path | None = None
        # The name of the example this build was opened from, while the build is a copy of it (see _push).
        self.example_name: str | None = None
        self.build = Build(catalog)
        self.build.subscribe(self._on_build_event)
        self.analysis: Analysis | None = None
        self.sizing_cache = SizingCache()  # the figures of the workloads not being edited (core/analysis.py)
        self.revision = 0  # bumped by every change of the build
        self.gestures = GestureClock(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.gestures)
        self._last_analysis_s = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.recompute)
        self._catalog_timer = QTimer(self)
        self._catalog_timer.setInterval(CATALOG_POLL_MS)
        self._catalog_timer.timeout.connect(self.follow_catalog)
        self._catalog_timer.start()
        self.destroyed.connect(self._catalog_timer.stop)
        self.schedule_analysis()

    # -- state -----------------------------------------------------------------------------------
    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    def snapshot(self) -> dict:
        return buildfile.to_dict(self.build)

    def restore(self, snapshot: dict) -> None:
        """Make the build equal to ``snapshot`` (undo/redo); one 'all' change event."""
        self.build.assign(buildfile.from_dict(snapshot, self.catalog, "undo history"))

    def replace_build(self, build: Build, path: Path | None) -> None:
        """A new or opened build: fresh undo history, clean state."""
        self.build.assign(build)
        self.example_name = None
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.path = path
        self.path_changed.emit(path)

    # -- files -----------------------------------------------------------------------------------
    def new(self, kind: str = "workstation") -> None:
        self.replace_build(Build(self.catalog, kind), None)

    def open(self, path: str | Path) -> None:
        """Load a build file; a bad file raises BuildFileError and leaves the open build untouched."""
        build = buildfile.load(path, self.catalog)
        self.replace_build(build, Path(path))

    def save(self, path: str | Path | None = None) -> Path:
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("no file name to save to")
        buildfile.save(self.build, target)  # atomic: temp file, fsync, rename
        self.undo_stack.setClean()
        if target != self.path:
            self.path = target
            self.path_changed.emit(target)
        return target

    # -- edits (one undo command each) -----------------------------------------------------------
    def open_example(self, path: str | Path) -> None:
        """An example as a new, untitled copy (Save asks where: the installed example is never overwritten)."""
        build = buildfile.load(path, self.catalog)
        self.replace_build(build, None)
        self.example_name = build.name or None

    def _drop_stale_name(self, before: dict) -> None:
        """An example's name describes the example: the first edit that changes what the build is (anything
        but its name and notes) while it still carries that name clears the name, in the same undo step, so
        no quote or build sheet prints it for a build it no longer describes. A name typed in is kept. Notes,
        ROI assumptions and which workload is selected do not change what the build is."""
        if not self.example_name or self.build.name != self.example_name:
            return
        now = self.snapshot()
        ignored = ("name", "notes", "roi", "selected_workload")
        if {k: v for k, v in now.items() if k not in ignored} != {k: v for k, v in before.items() if k not in ignored}:
            self.build.set_name("")

    def _push(self, text: str, before: dict, merge_key: str | None = None) -> None:
        self._drop_stale_name(before)
        after = self.snapshot()
        if after != before:
            if merge_key is None:
                self.gestures.new_gesture()  # a step of its own: the next slider move starts afresh
            self.undo_stack.push(SnapshotCommand(self, text, before, after, merge_key, self.gestures.gesture))

    def can_place(self, part_id: str, slot: int | None = None) -> PlaceResult:
        return self.build.can_place(part_id, slot)

    def place(self, part_id: str, slot: int | None = None) -> PlaceResult:
        before = self.snapshot()
        result = self.build.place(part_id, slot)
        if result:
            _, part = self.catalog.find(part_id)
            self._push(f"Add {part.name}", before)
        return result

    def remove(self, part_id: str, slot: int | None = None) -> None:
        before = self.snapshot()
        _, part = self.catalog.find(part_id)
        self.build.remove(part_id, slot)
        self._push(f"Remove {part.name}", before)

    def can_move(self, from_slot: int, to_slot: int) -> PlaceResult:
        return self.build.can_move(from_slot, to_slot)

    def move(self, from_slot: int, to_slot: int) -> PlaceResult:
        before = self.snapshot()
        result = self.build.move(from_slot, to_slot)
        if result:
            self._push(f"Move GPU to slot {to_slot}", before)
        return result

    def set_quantity(self, part_id: str, quantity: int) -> PlaceResult:
        before = self.snapshot()
        result = self.build.set_quantity(part_id, quantity)
        if result:
            _, part = self.catalog.find(part_id)
            self._push(f"{part.name}: quantity {quantity}", before)
        return result

    def set_workload(self, workload: Workload, merge_key: str | None = None) -> None:
        """``merge_key`` names a continuous edit (a slider drag): consecutive edits merge into one step."""
        if workload == self.build.workload:
            return
        before = self.snapshot()
        self.build.set_workload(workload)
        self._push("Change workload", before, merge_key)

    # -- several workloads (each action one undo step; core/configuration/model.py checks them) ----------
    def add_workload(self, workload: Workload | None = None, name: str = "") -> int:
        """A new workload (default settings, or ``workload``), selected; its index."""
        before = self.snapshot()
        index = self.build.add_workload(workload, name)
        self._push("Add workload", before)
        return index

    def duplicate_workload(self, index: int) -> int:
        """A copy of workload ``index`` after the last one, selected (unnamed: it is shown by what it does
        until it is named)."""
        source = self.build.workloads[index]
        before = self.snapshot()
        new = self.build.add_workload(source.workload)
        self._push("Duplicate workload", before)
        return new

    def remove_workload(self, index: int) -> None:
        before = self.snapshot()
        self.build.remove_workload(index)
        self._push("Remove workload", before)

    def rename_workload(self, index: int, name: str) -> None:
        if name == self.build.workloads[index].name:
            return
        before = self.snapshot()
        self.build.rename_workload(index, name)
        self._push("Rename workload", before)

    def select_workload(self, index: int) -> None:
        if index == self.build.selected_workload:
            return
        before = self.snapshot()
        self.build.select_workload(index)
        self._push("Select workload", before)

    def set_kind(self, kind: str) -> None:
        before = self.snapshot()
        self.build.set_kind(kind)
        self._push(f"Build kind: {kind.replace('_', ' ')}", before)

    def set_nodes(self, nodes: int) -> None:
        before = self.snapshot()
        self.build.set_nodes(nodes)
        self._push(f"{nodes} nodes", before, merge_key="nodes")

    def set_circuit(self, circuit_id: str | None) -> None:
        before = self.snapshot()
        self.build.set_circuit(circuit_id)
        self._push("Change wall circuit", before)

    def set_wall_circuit(self, volts: float, amps: float, phases: int) -> None:
        """A circuit by its figures: the catalog circuit with them when there is one, else one typed in."""
        from configurator.core.configuration import circuits

        listed = getattr(self.catalog, "list", None)
        match = next((c.id for c in (listed("circuits") if listed else ())
                      if circuits.same_figures(c, volts, amps, phases)), None)
        before = self.snapshot()
        if match is not None:
            self.build.set_circuit(match)
        else:
            self.build.set_custom_circuit(volts, amps, phases)
        self._push("Change wall circuit", before)

    def set_name(self, name: str) -> None:
        if name == self.build.name:
            return
        before = self.snapshot()
        self.build.set_name(name)
        self._push("Rename build", before)

    def set_roi(self, assumptions, merge_key: str | None = "roi") -> None:
        if assumptions == self.build.roi:
            return
        before = self.snapshot()
        self.build.set_roi(assumptions)
        self._push("Change ROI assumptions", before, merge_key)

    def adopt(self, build: Build, text: str) -> None:
        """Make ``build`` (e.g. a recommendation) the current build, as one undoable step."""
        before = self.snapshot()
        self.build.assign(build)
        self._push(text, before)

    def set_notes(self, notes: str) -> None:
        before = self.snapshot()
        self.build.set_notes(notes)
        self._push("Edit notes", before, merge_key="notes")

    # -- change propagation ----------------------------------------------------------------------
    def _on_clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(not clean)

    def _on_build_event(self, event: BuildEvent) -> None:
        self.revision += 1
        self.build_changed.emit(event)
        self.schedule_analysis()

    def follow_catalog(self) -> bool:
        """Recompute when prices were imported since the analysis read them; True when they were."""
        changed = getattr(self.catalog, "prices_changed", None)
        try:
            if changed is None or not changed():
                return False
        except ConfiguratorError:
            return False  # the catalog cannot be read right now: the next analysis says so
        self.schedule_analysis()
        return True

    def schedule_analysis(self) -> None:
        """Recompute on the next event-loop turn, but never more often than once per frame."""
        if self._timer.isActive():
            return
        wait_s = max(0.0, self._last_analysis_s + FRAME_S - time.perf_counter())
        self._timer.start(int(wait_s * 1000))

    def recompute(self) -> Analysis:
        self._timer.stop()
        self._last_analysis_s = time.perf_counter()
        self.analysis = analyze(self.build, self.catalog, cache=self.sizing_cache)
        if shiboken6.isValid(self):  # the document may be deleted while its last analysis ran
            self.analysis_ready.emit(self.analysis)
        return self.analysis
