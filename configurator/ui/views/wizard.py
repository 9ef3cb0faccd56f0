"""A few questions with large buttons (trade-show booth, touch screen), ending in good/better/best proposals.

Questions: what to do (chat/serve, LoRA/QLoRA, full fine-tune, pretrain); which model; then for inference
how many people at once and how compact a model, for training how much data. The proposals come from
``core.recommend`` (synchronous: it answers in well under a second). Choosing one sets ``chosen_build`` (a
core Build) and emits ``build_chosen(build)``; the window makes it the current build.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QStackedWidget, QVBoxLayout, QWidget,
)

from configurator.core.errors import ConfiguratorError
from configurator.present import money
from configurator.core.recommend import Request, recommend

BUTTON_HEIGHT = 72  # px: a fingertip with margin (Apple HIG 44 pt minimum; booths want more)
BUTTON_STYLE = "QPushButton { font-size: 15pt; padding: 10px 18px; text-align: center; }"
CARD_STYLE = "QPushButton { font-size: 12pt; padding: 14px; text-align: left; }"
ADDED_TEXT = "Added to\ncompare ✓"  # a proposal's "Add to compare" once it is in the compare tray

MODES = (("infer", "Chat with a model / serve it to people"), ("qlora", "Fine-tune with LoRA / QLoRA"),
         ("train", "Full fine-tune"), ("pretrain", "Pretrain a model"))
USERS = (1, 4, 8, 16, 50, 100, 300, 1000)
PRECISIONS = (("q4_k_m", "Compact (4-bit Q4_K_M)"), ("fp8", "Balanced (FP8)"), ("bf16", "Full quality (BF16)"))
TOKENS = ((1e7, "10 million tokens"), (1e8, "100 million tokens"), (1e9, "1 billion tokens"),
          (1e10, "10 billion tokens"))
PRETRAIN_TOKENS = ((None, "Compute-optimal (20 tokens per parameter)"), (1e11, "100 billion tokens"),
                   (1e12, "1 trillion tokens"))


def big_button(text: str, name: str, style: str = BUTTON_STYLE) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setMinimumHeight(BUTTON_HEIGHT)
    button.setStyleSheet(style)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return button


class Page(QWidget):
    """A question and its answers as a grid of large buttons."""

    def __init__(self, question: str, columns: int = 2):
        super().__init__()
        self.title = QLabel(question)
        self.title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.title.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setSpacing(12)
        self.columns = columns
        self.buttons: list[QPushButton] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.grid)
        layout.addStretch(1)

    def add(self, button: QPushButton) -> QPushButton:
        n = len(self.buttons)
        self.grid.addWidget(button, n // self.columns, n % self.columns)
        self.buttons.append(button)
        return button

    def clear(self) -> None:
        for b in self.buttons:
            self.grid.removeWidget(b)
            b.deleteLater()
        self.buttons = []


class WizardDialog(QDialog):
    build_chosen = Signal(object)

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.catalog = context.catalog
        self.setWindowTitle("What do you want to run?")
        self.answers: dict = {"context": 8192}
        self.recommendation = None
        self.chosen_build = None
        self.stack = QStackedWidget()
        self.history: list[int] = []

        self.mode_page = Page("What do you want to do?")
        for mode, text in MODES:
            self.mode_page.add(big_button(text, f"mode-{mode}")).clicked.connect(
                lambda _=False, m=mode: self._answer("mode", m))
        self.model_page = Page("Which model?", columns=3)
        for model in self.catalog.models():
            self.model_page.add(big_button(model.name, f"model-{model.id}")).clicked.connect(
                lambda _=False, m=model.id: self._answer("model_id", m))
        self.users_page = Page("How many people use it at the same time?", columns=4)
        for n in USERS:
            self.users_page.add(big_button(f"{n:,}", f"users-{n}")).clicked.connect(
                lambda _=False, n=n: self._answer("users", n))
        self.precision_page = Page("How compact may the model be?", columns=1)
        for pid, text in PRECISIONS:
            self.precision_page.add(big_button(text, f"precision-{pid}")).clicked.connect(
                lambda _=False, p=pid: self._answer("precision", p))
        self.tokens_page = Page("How much training data?", columns=2)
        self.proposals_page = Page("Proposals", columns=1)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.proposals_page.layout().insertWidget(1, self.notes)
        self.compare_message = QLabel()  # what "Add to compare" did (the tray lives in the user database)
        self.compare_message.setObjectName("wizard-compare-message")
        self.compare_message.setWordWrap(True)
        self.proposals_page.layout().insertWidget(2, self.compare_message)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.proposals_page)
        for page in (self.mode_page, self.model_page, self.users_page, self.precision_page, self.tokens_page):
            self.stack.addWidget(page)
        self.stack.addWidget(scroll)
        self.proposals_index = self.stack.count() - 1

        self.back_button = big_button("Back", "back")
        self.back_button.clicked.connect(self.back)
        self.cancel_button = big_button("Close", "close")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.resize(900, 640)
        self._update_back()

    # -- navigation ------------------------------------------------------------------------------
    def current_page(self) -> QWidget:
        w = self.stack.currentWidget()
        return w.widget() if isinstance(w, QScrollArea) else w

    def _go(self, page: QWidget) -> None:
        self.history.append(self.stack.currentIndex())
        if page is self.proposals_page:
            self.stack.setCurrentIndex(self.proposals_index)
        else:
            self.stack.setCurrentWidget(page)
        self._update_back()

    def back(self) -> None:
        if self.history:
            self.stack.setCurrentIndex(self.history.pop())
        self._update_back()

    def _update_back(self) -> None:
        self.back_button.setEnabled(bool(self.history))

    def button(self, name: str) -> QPushButton:
        """The button named ``name`` on the current page (tests and keyboard users)."""
        found = self.current_page().findChild(QPushButton, name)
        if found is None:
            raise KeyError(name)
        return found

    # -- answers ---------------------------------------------------------------------------------
    def _answer(self, key: str, value) -> None:
        self.answers[key] = value
        mode = self.answers.get("mode")
        if key == "mode":
            self._go(self.model_page)
        elif key == "model_id":
            if mode == "infer":
                self._go(self.users_page)
            else:
                self._fill_tokens(mode)
                self._go(self.tokens_page)
        elif key == "users":
            self._go(self.precision_page)
        else:  # precision or tokens: the last question
            self._propose()

    def _fill_tokens(self, mode: str) -> None:
        page = self.tokens_page
        page.clear()
        for tokens, text in (PRETRAIN_TOKENS if mode == "pretrain" else TOKENS):
            name = "tokens-default" if tokens is None else f"tokens-{tokens:g}"
            page.add(big_button(text, name)).clicked.connect(lambda _=False, t=tokens: self._answer("tokens", t))

    def request(self) -> Request:
        a = self.answers
        if a.get("mode") == "infer":
            return Request("infer", a["model_id"], a.get("precision"), users=a.get("users", 1), context=a["context"])
        return Request(a["mode"], a["model_id"], None, tokens=a.get("tokens"))

    def _propose(self) -> None:
        page = self.proposals_page
        page.clear()
        self.compare_message.setText("")
        try:
            self.recommendation = recommend(self.request(), self.catalog)
        except ConfiguratorError as exc:
            self.recommendation = None
            self.notes.setText(str(exc))
            self._go(page)
            return
        rec = self.recommendation
        page.title.setText("Proposals" if rec.proposals else "No proposal")
        self.notes.setText("\n".join(rec.notes))
        for proposal in rec.proposals:
            price = money(proposal.price_total, proposal.analysis.price.currency)
            text = f"{proposal.tier.upper()}: {proposal.build.name} — {price}\n{proposal.summary}"
            button = big_button(text, f"proposal-{proposal.tier}", CARD_STYLE)
            button.setMinimumHeight(BUTTON_HEIGHT * 2)
            label = QLabel(text)  # the button text does not wrap: show it through a wrapping label inside
            label.setWordWrap(True)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            inner = QVBoxLayout(button)
            inner.addWidget(label)
            button.setText("")
            button.setAccessibleName(text)
            button.clicked.connect(lambda _=False, p=proposal: self.choose(p))
            page.add(self._card_row(button, proposal))
        self._go(page)

    def _card_row(self, card: QPushButton, proposal) -> QWidget:
        """The proposal's card with its "Add to compare" button beside it."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(card, 1)
        add = big_button(ADDED_TEXT, f"compare-{proposal.tier}")
        add.setFixedWidth(add.sizeHint().width())  # the same width before and after: the cards stay aligned
        add.setText("Add to\ncompare")
        add.setAccessibleName(f"Add the {proposal.tier} proposal to the compare tray")
        add.clicked.connect(lambda _=False, p=proposal, b=add: self.add_to_compare(p, b))
        layout.addWidget(add)
        return row

    def add_to_compare(self, proposal, button: QPushButton | None = None) -> bool:
        from configurator.ui.views.compare_tray import add_build, open_tray

        tray, own = open_tray(self.context)
        try:
            ok, text = add_build(tray, proposal.build, f"{proposal.tier.capitalize()}: {proposal.build.name}",
                                 f"wizard: {proposal.tier}")
        finally:
            if own is not None:
                own.close()
        self.compare_message.setText(text)
        if ok and button is not None:
            button.setText(ADDED_TEXT)
            button.setEnabled(False)
        return ok

    def choose(self, proposal) -> None:
        self.chosen_build = proposal.build
        self.build_chosen.emit(proposal.build)
        self.accept()
