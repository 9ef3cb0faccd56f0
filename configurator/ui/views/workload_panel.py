"""The workload panel: what the customer wants to run, as inputs only. The build's workloads are listed on
top (ui/views/workload_list.py); the fields below edit the selected one.

Every edit builds a new core Workload and hands it to ``document.set_workload``; slider drags pass a
merge key so one drag is one undo step. Ranges are enforced by the widgets (no negative or absurd
numbers reach the core). The panel follows the build: undo/redo or an opened file updates the widgets.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QSlider, QSpinBox, QVBoxLayout,
    QWidget,
)

from configurator.core.workload import (
    AUTO, CUSTOM_MODEL_ID, ENGINES, INFERENCE, OPTIMIZERS, RECOMPUTE, TRAINING, ZERO_AUTO, CustomModel, Workload,
)
from configurator.ui.views.workload_list import WorkloadList
from configurator.ui.views.tokens_spin import TokensSpinBox

MODES = [("Inference", None), ("Full fine-tune", "full"), ("LoRA", "lora"), ("QLoRA", "qlora"),
         ("Pretraining", "pretrain")]
WEIGHT_PRECISIONS = ["fp16", "bf16", "fp8", "int8", "nvfp4", "mxfp4", "fp4", "q8_0", "q6_k", "q5_k_m", "q4_k_m",
                     "q4_0", "iq4_xs", "q3_k_m", "q2_k"]
KV_PRECISIONS = ["fp16", "bf16", "fp8", "int8"]
TRAIN_PRECISIONS = ["bf16", "fp16", "fp8"]
MAX_USERS = 4096
MAX_CONTEXT = 1_048_576  # tokens; no catalog model goes beyond 1M


class SliderSpin(QWidget):
    """A slider for dragging plus a spin box for typing the exact value (same value, two ways)."""

    def __init__(self, minimum: int, maximum: int, slider_max: int, parent=None):
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(minimum, min(maximum, slider_max))
        self.spin = QSpinBox(self)
        self.spin.setRange(minimum, maximum)
        self.spin.setGroupSeparatorShown(True)
        self.spin.setKeyboardTracking(False)  # one change per committed number, not per digit
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 3)
        layout.addWidget(self.spin, 1)
        self.slider.valueChanged.connect(self._slider_moved)

    def _slider_moved(self, value: int) -> None:
        if self.spin.value() != value:
            self.spin.setValue(value)

    def set_value(self, value: int) -> None:
        for w in (self.slider, self.spin):
            w.blockSignals(True)
        self.spin.setValue(value)
        self.slider.setValue(min(value, self.slider.maximum()))
        for w in (self.slider, self.spin):
            w.blockSignals(False)


class WorkloadPanel(QWidget):
    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.setObjectName("workload")
        self.document = document
        catalog = document.catalog
        self._updating = False

        self.mode = QComboBox(self)
        for label, _ in MODES:
            self.mode.addItem(label)
        self.model = QComboBox(self)
        for m in catalog.models():
            self.model.addItem(f"{m.name} ({m.params_b:g}B)", m.id)
        self.model.addItem("Custom model…", CUSTOM_MODEL_ID)
        self.workloads = WorkloadList(document, self)
        top = QFormLayout()
        top.addRow("Kind", self.mode)
        top.addRow("Model", self.model)

        # -- custom architecture (SIZING.md 1: params, layers, hidden, KV heads, head_dim) ------
        self.custom_box = QGroupBox("Custom model", self)
        self.custom_name = QLineEdit(self)
        self.custom_name.setMaxLength(80)
        self.custom_params = QDoubleSpinBox(self)
        self.custom_params.setRange(0.01, 10_000)
        self.custom_params.setDecimals(2)
        self.custom_params.setSuffix(" B parameters")
        self.custom_ints: dict[str, QSpinBox] = {}
        cform = QFormLayout(self.custom_box)
        cform.addRow("Name", self.custom_name)
        cform.addRow("Size", self.custom_params)
        for field_name, label, low, high in (("layers", "Layers", 1, 1000), ("hidden", "Hidden size", 64, 131_072),
                                             ("heads", "Attention heads", 1, 1024), ("kv_heads", "KV heads", 1, 1024),
                                             ("head_dim", "Head dimension", 16, 1024)):
            spin = QSpinBox(self)
            spin.setRange(low, high)
            spin.setKeyboardTracking(False)
            self.custom_ints[field_name] = spin
            cform.addRow(label, spin)
        self.custom_params.setKeyboardTracking(False)

        # -- inference -------------------------------------------------------------------------
        self.inference_box = QGroupBox("Inference", self)
        self.precision = self._combo(WEIGHT_PRECISIONS, catalog)
        self.kv_precision = self._combo(KV_PRECISIONS, catalog)
        self.engine = QComboBox(self)
        for e in ENGINES:
            self.engine.addItem(catalog.engine(e).name, e)
        self.parallel = QComboBox(self)
        self.parallel.addItem("Tensor parallel", "tp")
        self.parallel.addItem("Layer split (pipeline)", "layer")
        self.users = SliderSpin(1, MAX_USERS, 512, self)
        self.context = SliderSpin(128, MAX_CONTEXT, 131_072, self)
        self.context.slider.setSingleStep(1024)
        self.context.slider.setPageStep(8192)
        self.prompt = QSpinBox(self)
        self.prompt.setRange(1, MAX_CONTEXT)
        self.output = QSpinBox(self)
        self.output.setRange(1, MAX_CONTEXT)
        for spin in (self.prompt, self.output):
            spin.setGroupSeparatorShown(True)
            spin.setKeyboardTracking(False)
        form = QFormLayout(self.inference_box)
        form.addRow("Weights", self.precision)
        form.addRow("KV cache", self.kv_precision)
        form.addRow("Serving engine", self.engine)
        form.addRow("Multi-GPU", self.parallel)
        form.addRow("Concurrent users", self.users)
        form.addRow("Context per user (tokens)", self.context)
        form.addRow("Prompt (tokens)", self.prompt)
        form.addRow("Output (tokens)", self.output)

        # -- training --------------------------------------------------------------------------
        self.training_box = QGroupBox("Training", self)
        self.train_precision = self._combo(TRAIN_PRECISIONS, catalog)
        self.tokens = TokensSpinBox(self)  # billions; reads "100 million tokens", not "0.100 B tokens"
        self.tokens.setRange(0.001, 100_000)
        self.seq = QSpinBox(self)
        self.seq.setRange(128, 1_048_576)
        self.micro_batch = QSpinBox(self)
        self.micro_batch.setRange(1, 1024)
        self.global_batch = QSpinBox(self)
        self.global_batch.setRange(1, 1_000_000)
        self.zero = QComboBox(self)
        self.zero.addItem("automatic (fastest that fits)", ZERO_AUTO)
        for stage, label in enumerate(("none (DDP)", "ZeRO-1", "ZeRO-2", "ZeRO-3 / FSDP")):
            self.zero.addItem(label, stage)
        self.recompute = QComboBox(self)
        for r in RECOMPUTE:
            self.recompute.addItem(r, r)
        self.optimizer = QComboBox(self)
        for o, label in zip(OPTIMIZERS, ("AdamW", "8-bit AdamW", "SGD (momentum)")):
            self.optimizer.addItem(label, o)
        self.lora_rank = QSpinBox(self)
        self.lora_rank.setRange(1, 1024)
        self.mfu = QDoubleSpinBox(self)
        # 0 is the calibrated efficiency (fitted on measured training runs, db/training_efficiency.csv);
        # any other value is the user's own MFU assumption.
        self.mfu.setRange(0, 100)
        self.mfu.setSpecialValueText("calibrated")
        self.mfu.setSuffix(" % MFU")
        for spin in (self.seq, self.micro_batch, self.global_batch, self.lora_rank, self.tokens, self.mfu):
            spin.setKeyboardTracking(False)
        tform = QFormLayout(self.training_box)
        tform.addRow("Precision", self.train_precision)
        tform.addRow("Tokens to train", self.tokens)
        tform.addRow("Sequence length", self.seq)
        tform.addRow("Micro-batch", self.micro_batch)
        tform.addRow("Global batch (sequences)", self.global_batch)
        tform.addRow("Sharding", self.zero)
        tform.addRow("Activation recompute", self.recompute)
        tform.addRow("Optimizer", self.optimizer)
        tform.addRow("LoRA rank", self.lora_rank)
        tform.addRow("Assumed utilisation", self.mfu)
        # Parallel degrees of the training layout: 0 lets the layout search choose (the fastest that fits).
        self.degrees: dict[str, QSpinBox] = {}
        for name, label in (("tp", "Tensor parallel"), ("pp", "Pipeline stages"), ("cp", "Context parallel"),
                            ("ep", "Expert parallel")):
            spin = QSpinBox(self)
            spin.setRange(AUTO, 4096)
            spin.setSpecialValueText("automatic")
            spin.setKeyboardTracking(False)
            self.degrees[name] = spin
            tform.addRow(label, spin)

        layout = QVBoxLayout(self)
        layout.addWidget(self.workloads)
        layout.addLayout(top)
        layout.addWidget(self.custom_box)
        layout.addWidget(self.inference_box)
        layout.addWidget(self.training_box)
        layout.addStretch(1)

        self._connect()
        self.show_workload(document.build.workload)
        document.build_changed.connect(self._build_changed)

    def _combo(self, ids: list[str], catalog) -> QComboBox:
        combo = QComboBox(self)
        for pid in ids:
            combo.addItem(catalog.precision(pid).name, pid)
        return combo

    # -- widgets -> document ------------------------------------------------------------------------
    def _connect(self) -> None:
        for combo in (self.mode, self.model, self.precision, self.kv_precision, self.engine, self.parallel,
                      self.train_precision, self.zero, self.recompute, self.optimizer):
            combo.currentIndexChanged.connect(lambda _=None: self._commit())
        self.users.spin.valueChanged.connect(lambda _=None: self._commit("users"))
        self.context.spin.valueChanged.connect(lambda _=None: self._commit("context"))
        for spin in (self.prompt, self.output, self.seq, self.micro_batch, self.global_batch, self.lora_rank,
                     self.tokens, self.mfu, self.custom_params, *self.custom_ints.values(), *self.degrees.values()):
            spin.valueChanged.connect(lambda _=None: self._commit())
        self.custom_name.editingFinished.connect(lambda: self._commit())

    def current_workload(self) -> Workload:
        w = self.document.build.workload
        mode = MODES[self.mode.currentIndex()][1]
        model_id = self.model.currentData()
        inference = replace(
            w.inference, model_id=model_id, precision=self.precision.currentData(),
            kv_precision=self.kv_precision.currentData(), engine=self.engine.currentData(),
            parallel=self.parallel.currentData(), users=self.users.spin.value(),
            context_tokens=self.context.spin.value(), prompt_tokens=self.prompt.value(),
            output_tokens=self.output.value(),
        )
        training = replace(
            w.training, mode=mode or w.training.mode, model_id=model_id, precision=self.train_precision.currentData(),
            tokens=self.tokens.value() * 1e9, seq_len=self.seq.value(), micro_batch=self.micro_batch.value(),
            global_batch=self.global_batch.value(), zero_stage=self.zero.currentData(),
            recompute=self.recompute.currentData(), optimizer=self.optimizer.currentData(),
            lora_rank=self.lora_rank.value(), mfu=self.mfu.value() / 100.0,
            **{name: spin.value() for name, spin in self.degrees.items()},
        )
        custom = CustomModel(name=self.custom_name.text().strip() or "Custom model",
                             params_b=round(self.custom_params.value(), 2),
                             **{k: spin.value() for k, spin in self.custom_ints.items()})
        return Workload(kind=INFERENCE if mode is None else TRAINING, inference=inference, training=training,
                        custom=custom)

    def _commit(self, merge_key: str | None = None) -> None:
        if self._updating:
            return
        self._show_boxes()
        self.document.set_workload(self.current_workload(), merge_key=merge_key)

    # -- document -> widgets ------------------------------------------------------------------------
    def _build_changed(self, event) -> None:
        if event.section in ("workload", "workloads", "all") and not self._updating:
            self.show_workload(self.document.build.workload)

    @staticmethod
    def _select(combo: QComboBox, data) -> None:
        index = combo.findData(data)
        if index >= 0:
            combo.setCurrentIndex(index)

    def show_workload(self, w: Workload) -> None:
        self._updating = True
        try:
            training = w.kind == TRAINING
            self.mode.setCurrentIndex(next(i for i, (_, m) in enumerate(MODES)
                                           if m == (w.training.mode if training else None)))
            self._select(self.model, w.training.model_id if training else w.inference.model_id)
            i = w.inference
            for combo, value in ((self.precision, i.precision), (self.kv_precision, i.kv_precision),
                                 (self.engine, i.engine), (self.parallel, i.parallel)):
                self._select(combo, value)
            self.users.set_value(i.users)
            self.context.set_value(i.context_tokens)
            self.prompt.setValue(i.prompt_tokens)
            self.output.setValue(i.output_tokens)
            t = w.training
            for combo, value in ((self.train_precision, t.precision), (self.zero, t.zero_stage),
                                 (self.recompute, t.recompute), (self.optimizer, t.optimizer)):
                self._select(combo, value)
            self.tokens.setValue(t.tokens / 1e9)
            self.seq.setValue(t.seq_len)
            self.micro_batch.setValue(t.micro_batch)
            self.global_batch.setValue(t.global_batch)
            self.lora_rank.setValue(t.lora_rank)
            self.mfu.setValue(t.mfu * 100.0)
            for name, spin in self.degrees.items():
                spin.setValue(getattr(t, name))
            c = w.custom
            self.custom_name.setText(c.name)
            self.custom_params.setValue(c.params_b)
            for k, spin in self.custom_ints.items():
                spin.setValue(getattr(c, k))
            self._show_boxes()
        finally:
            self._updating = False

    def _show_boxes(self) -> None:
        training = MODES[self.mode.currentIndex()][1] is not None
        self.inference_box.setVisible(not training)
        self.training_box.setVisible(training)
        self.lora_rank.setEnabled(MODES[self.mode.currentIndex()][1] in ("lora", "qlora"))
        self.custom_box.setVisible(self.model.currentData() == CUSTOM_MODEL_ID)
