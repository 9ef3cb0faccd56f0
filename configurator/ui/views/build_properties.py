"""Build properties: name, kind, node count, wall circuit (a catalog circuit, or volts, amperes and phases typed
in) and notes. A compact form for a dock.

Every change is one undo step through the document (``set_name``, ``set_kind``, ``set_nodes``,
``set_circuit``/``set_wall_circuit``, ``set_notes``). Text fields commit once per edit, not per key: the name
when editing finishes (Enter or leaving the field), the notes when the typing pauses (``NOTES_PAUSE_MS``) or
the field loses focus. The form follows the build (undo, redo, an opened file) without pushing anything.

An example's name: the window opens an example as an untitled copy named as the example; the first change
that makes it a different build clears that name (document._drop_stale_name), and the name field then asks
for one, saying which name it replaced.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import (
    QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QVBoxLayout,
    QWidget,
)

from configurator.core.configuration import CLUSTER, KINDS
from configurator.core.configuration.circuits import AMPS_RANGE, CUSTOM_ID, VOLTS_RANGE, phases_of
from configurator.core.errors import ConfiguratorError
from configurator.present import watts

KIND_LABELS = {"workstation": "Workstation", "sxm_server": "SXM server", "cluster": "Cluster"}
PHASE_LABELS = ((1, "single-phase"), (3, "three-phase"))
NOTES_PAUSE_MS = 1000  # a pause in typing this long commits the notes (one undo step per burst of typing)
DEFAULT = "__chassis_default__"
SECTIONS = {"all", "name", "kind", "nodes", "circuit", "chassis", "notes"}  # build events the form follows


class BuildProperties(QWidget):
    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.setObjectName("build-properties")
        self.document = document
        self._updating = False
        self._name_shown = ""  # the build's name as the field last showed it

        self.name = QLineEdit(self)
        self.name.setObjectName("build-name")
        self.name.editingFinished.connect(self._name_edited)
        self.kind = QComboBox(self)
        self.kind.setObjectName("build-kind")
        for kind in KINDS:
            self.kind.addItem(KIND_LABELS.get(kind, kind), kind)
        self.kind.activated.connect(self._kind_chosen)
        self.nodes = QSpinBox(self)
        self.nodes.setObjectName("build-nodes")
        self.nodes.setRange(1, int(document.catalog.rule_param("max_nodes")))
        self.nodes.setKeyboardTracking(False)  # one change per committed number, not per digit
        self.nodes.valueChanged.connect(self._nodes_changed)

        self.circuit = QComboBox(self)
        self.circuit.setObjectName("build-circuit")
        # Circuit names are long ("415 V 32 A three-phase (IEC 60309 5-pin, ...)"): the combo elides them rather
        # than widening the dock (and the window's minimum width) to the longest one.
        self.circuit.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.circuit.setMinimumContentsLength(18)
        self.circuit.activated.connect(self._circuit_chosen)
        self.volts = self._spin(VOLTS_RANGE, " V", "build-volts")
        self.amps = self._spin(AMPS_RANGE, " A", "build-amps")
        self.phases = QComboBox(self)
        self.phases.setObjectName("build-phases")
        for n, label in PHASE_LABELS:
            self.phases.addItem(label, n)
        self.phases.activated.connect(lambda _i: self._figures_changed())
        figures = QHBoxLayout()
        figures.setContentsMargins(0, 0, 0, 0)
        for w in (self.volts, self.amps, self.phases):
            figures.addWidget(w)
        self.capacity = QLabel(self)
        self.capacity.setObjectName("build-circuit-capacity")
        self.capacity.setWordWrap(True)

        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("build-notes")
        self.notes.setFixedHeight(56)
        self.notes.setPlaceholderText("Notes (kept in the build file)")
        self.notes.textChanged.connect(self._notes_typed)
        self.notes.installEventFilter(self)
        self._notes_timer = QTimer(self)
        self._notes_timer.setSingleShot(True)
        self._notes_timer.setInterval(NOTES_PAUSE_MS)
        self._notes_timer.timeout.connect(self.commit_notes)
        self.problem = QLabel(self)
        self.problem.setObjectName("build-properties-problem")
        self.problem.setWordWrap(True)
        self.problem.hide()

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 6, 4)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(3)
        form.addRow("Name", self.name)
        form.addRow("Kind", self.kind)
        form.addRow("Nodes", self.nodes)
        form.addRow("Wall circuit", self.circuit)
        form.addRow("", figures)
        form.addRow("", self.capacity)
        form.addRow("Notes", self.notes)
        form.addRow(self.problem)
        outer.addLayout(form)
        outer.addStretch(1)  # the fields stay together at the top of a tall dock

        # Only what the form shows: a slider drag in the workload panel does not refill the circuit list.
        document.build_changed.connect(lambda e: self.refresh() if e.section in SECTIONS else None)
        self.refresh()

    def _spin(self, limits, suffix: str, name: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setObjectName(name)
        spin.setRange(*limits)
        spin.setDecimals(0)
        spin.setSuffix(suffix)
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(lambda _v: self._figures_changed())
        return spin

    # -- following the build --------------------------------------------------------------------------
    def refresh(self) -> None:
        build = self.document.build
        self._updating = True
        try:
            if not self.name.hasFocus() or self.name.text() == self._name_shown:  # no typing pending
                self.name.setText(build.name)
                self._name_shown = build.name
            example = self.document.example_name
            self.name.setPlaceholderText(
                f"Name this build (the example's name \u201c{example}\u201d no longer describes it)"
                if example and build.name != example else "Name this build (printed on every document)")
            self.kind.setCurrentIndex(self.kind.findData(build.kind))
            self.nodes.setEnabled(build.kind == CLUSTER)
            self.nodes.setValue(build.nodes)
            self._fill_circuits()
            circuit = build.circuit
            if circuit is not None:
                self.volts.setValue(circuit.volts)
                self.amps.setValue(circuit.amps)
                self.phases.setCurrentIndex(self.phases.findData(phases_of(circuit)))
                self.capacity.setText(f"{watts(circuit.continuous_w)} continuous, {watts(circuit.peak_w)} peak")
            else:
                self.capacity.setText("No circuit: choose a chassis or a circuit")
            for w in (self.volts, self.amps, self.phases):
                w.setEnabled(True)
            if self.notes.toPlainText() != build.notes and not self._notes_timer.isActive():
                self.notes.setPlainText(build.notes)
        finally:
            self._updating = False

    def _fill_circuits(self) -> None:
        build = self.document.build
        self.circuit.clear()
        chassis = build.chassis
        default = None
        if chassis is not None and chassis.circuit:
            try:
                default = self.document.catalog.circuit(chassis.circuit)
            except ConfiguratorError:
                default = None
        self.circuit.addItem(f"Chassis default ({default.name})" if default else "Chassis default", DEFAULT)
        for c in self.document.catalog.list("circuits"):
            self.circuit.addItem(c.name, c.id)
        if build.custom_circuit is not None:
            self.circuit.addItem(build.custom_circuit.name, CUSTOM_ID)
        current = build.circuit_id or (CUSTOM_ID if build.custom_circuit is not None else DEFAULT)
        self.circuit.setCurrentIndex(max(0, self.circuit.findData(current)))

    # -- edits (one undo step each) -------------------------------------------------------------------
    def _apply(self, change, *args) -> bool:
        try:
            change(*args)
        except ConfiguratorError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            self.refresh()
            return False
        self.problem.hide()
        return True

    def _name_edited(self) -> None:
        if self._updating:
            return
        text = " ".join(self.name.text().split())  # one line: a name is printed in headers
        if text != self.document.build.name:
            self._name_shown = text
            self._apply(self.document.set_name, text)
        elif text != self.name.text():
            self.name.setText(text)

    def _kind_chosen(self, _index: int) -> None:
        kind = self.kind.currentData()
        if not self._updating and kind != self.document.build.kind:
            self._apply(self.document.set_kind, kind)

    def _nodes_changed(self, value: int) -> None:
        if not self._updating and value != self.document.build.nodes:
            self._apply(self.document.set_nodes, value)

    def _circuit_chosen(self, _index: int) -> None:
        if self._updating:
            return
        data = self.circuit.currentData()
        if data == CUSTOM_ID:
            return  # the circuit typed in, already the build's
        wanted = None if data == DEFAULT else data
        build = self.document.build
        if wanted != build.circuit_id or build.custom_circuit is not None:
            self._apply(self.document.set_circuit, wanted)

    def _figures_changed(self) -> None:
        if self._updating:
            return
        volts, amps, phases = self.volts.value(), self.amps.value(), self.phases.currentData()
        current = self.document.build.circuit
        if current is not None and (current.volts, current.amps, phases_of(current)) == (volts, amps, phases):
            return
        self._apply(self.document.set_wall_circuit, volts, amps, phases)

    def _notes_typed(self) -> None:
        if not self._updating:
            self._notes_timer.start()

    def commit_notes(self) -> None:
        self._notes_timer.stop()
        text = self.notes.toPlainText()
        if text != self.document.build.notes:
            self._apply(self.document.set_notes, text)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.notes and event.type() == QEvent.Type.FocusOut:
            self.commit_notes()
        return False


__all__ = ["BuildProperties"]
