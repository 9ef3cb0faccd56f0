"""The build's workloads as a compact list above the workload panel: select one (the panel edits it, the charts
follow it), add one of a kind, duplicate, rename in place (F2 or double-click), remove (Delete).

Every action is one call of the document (one undo step each); the rows (ui/models/workloads_model.py) follow
the build and the analysis: each shows the workload's title and whether it fits, in words and a mark
(configurator.present), and its key figures as a tooltip. Nothing here computes a figure.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QLineEdit, QListView, QMenu, QSizePolicy, QStyledItemDelegate,
    QToolButton, QVBoxLayout, QWidget,
)

from configurator.core.errors import ConfiguratorError
from configurator.core.workload import (
    INFERENCE, MAX_NAME_CHARS, MAX_WORKLOADS, TRAINING, InferenceWorkload, TrainingWorkload, Workload,
)
from configurator.present.sentences import workloads_fit
from configurator.ui.models.workloads_model import NAME_ROLE, TITLE_ROLE, WorkloadsModel

VISIBLE_ROWS = 4  # rows shown before the list scrolls: the panel below keeps its room at 1366x768
# (label, kind, training mode) offered by Add: the defaults of that kind, on the selected workload's model
# ("QLoRA 70B plus local inference" starts from the model already chosen)
ADD_KINDS = (("Inference", INFERENCE, None), ("LoRA fine-tune", TRAINING, "lora"),
             ("QLoRA fine-tune", TRAINING, "qlora"), ("Full fine-tune", TRAINING, "full"),
             ("Pretraining", TRAINING, "pretrain"))


class _NameDelegate(QStyledItemDelegate):
    """The in-place name editor: one line, as long as a name may be (the model's EditRole is the name)."""

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt's name
        editor = QLineEdit(parent)
        editor.setObjectName("workload-name-editor")
        editor.setMaxLength(MAX_NAME_CHARS)
        editor.setAccessibleName("Workload name")
        return editor


class WorkloadList(QWidget):
    status_message = Signal(str)  # why an action was refused (a duplicate name, the last workload)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.setObjectName("workload-list")
        self.document = document
        self._updating = False

        self.model = WorkloadsModel(document, self)
        self.model.refused.connect(self.status_message)
        self.list = QListView(self)
        self.list.setObjectName("workloads")
        self.list.setAccessibleName("Workloads")
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.list.setUniformItemSizes(True)
        self.list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.delegate = _NameDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.selectionModel().currentRowChanged.connect(lambda current, _previous: self._row_chosen(current.row()))

        self.add_button = self._button("Add", "Add a workload")
        self.add_menu = QMenu(self.add_button)
        for label, kind, mode in ADD_KINDS:
            action = self.add_menu.addAction(label)
            action.triggered.connect(lambda _=False, k=kind, m=mode: self.add(k, m))
        self.add_button.setMenu(self.add_menu)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.add_button.clicked.connect(lambda: self.add(INFERENCE, None))
        self.duplicate_button = self._button("Duplicate", "A copy of the selected workload")
        self.duplicate_button.clicked.connect(lambda: self.duplicate())
        self.rename_button = self._button("Rename", "Name the selected workload (F2)")
        self.rename_button.clicked.connect(self.start_rename)
        self.remove_button = self._button("Remove", "Remove the selected workload (Delete)")
        self.remove_button.clicked.connect(lambda: self.remove())
        remove = QAction("Remove workload", self.list)
        from configurator.ui import hotkeys  # key sequences need the application: not at import

        remove.setShortcut(hotkeys.REMOVE_WORKLOAD)
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(lambda: self.remove())
        self.list.addAction(remove)

        self.summary = QLabel(self)
        self.summary.setObjectName("workloads-summary")
        self.summary.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(2)
        for b in (self.add_button, self.duplicate_button, self.rename_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Workloads", self)
        title.setBuddy(self.list)
        head.addWidget(title)
        head.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.list)
        layout.addLayout(buttons)

        # after the model (connected first): the rows are up to date when the current row is set
        document.build_changed.connect(self._build_changed)
        document.analysis_ready.connect(self.show_analysis)
        self.refresh()

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    # -- the list follows the build and the analysis -----------------------------------------------------
    def _build_changed(self, event) -> None:
        if event.section in ("workloads", "workload", "all"):
            self.refresh()

    def show_analysis(self, _analysis=None) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Follow the build: the current row is the selected workload; the buttons fit what can be done."""
        build = self.document.build
        analysis = self.document.analysis
        self._updating = True
        try:
            self.model.refresh()
            if self.current_row() != build.selected_workload:
                self.list.setCurrentIndex(self.model.index(build.selected_workload))
        finally:
            self._updating = False
        several = len(build.workloads) > 1
        sized = analysis is not None and len(analysis.workloads) == len(build.workloads)
        self.summary.setText(f"({workloads_fit(analysis)})" if several and sized else "")
        self.remove_button.setEnabled(several)
        self.add_button.setEnabled(len(build.workloads) < MAX_WORKLOADS)
        self.duplicate_button.setEnabled(len(build.workloads) < MAX_WORKLOADS)
        self.list.setMaximumHeight(self._list_height())

    def current_row(self) -> int:
        return self.list.currentIndex().row()

    def _list_height(self) -> int:
        count = self.model.rowCount()
        rows = max(1, min(count, VISIBLE_ROWS))
        row_h = self.list.sizeHintForRow(0) if count else self.fontMetrics().height() + 4
        return rows * max(row_h, 1) + 2 * self.list.frameWidth() + 2

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FontChange:  # visitor mode's larger text: rows grow, so does the list
            self.list.setMaximumHeight(self._list_height())
        super().changeEvent(event)

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        return QSize(hint.width(), min(hint.height(), self._list_height() + 2 * self.add_button.sizeHint().height()))

    # -- widgets -> document ---------------------------------------------------------------------------
    def _row_chosen(self, row: int) -> None:
        if self._updating or row < 0:
            return
        self.document.select_workload(row)

    def _refused(self, exc: ConfiguratorError) -> None:
        self.status_message.emit(str(exc))
        self.refresh()

    def add(self, kind: str = INFERENCE, mode: str | None = None) -> int | None:
        now = self.document.build.workload
        model_id = now.inference.model_id if now.kind == INFERENCE else now.training.model_id
        training = TrainingWorkload(mode=mode, model_id=model_id) if mode else TrainingWorkload(model_id=model_id)
        workload = Workload(kind=kind, inference=InferenceWorkload(model_id=model_id), training=training,
                            custom=now.custom)
        try:
            return self.document.add_workload(workload)
        except ConfiguratorError as exc:
            self._refused(exc)
            return None

    def duplicate(self, row: int | None = None) -> int | None:
        try:
            return self.document.duplicate_workload(self.current_row() if row is None else row)
        except ConfiguratorError as exc:
            self._refused(exc)
            return None

    def remove(self, row: int | None = None) -> None:
        try:
            self.document.remove_workload(self.current_row() if row is None else row)
        except ConfiguratorError as exc:
            self._refused(exc)

    def start_rename(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            self.list.setFocus()
            self.list.edit(index)



__all__ = ["WorkloadList", "ADD_KINDS", "NAME_ROLE", "TITLE_ROLE"]
