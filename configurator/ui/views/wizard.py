"""A few questions with large buttons (trade-show booth, touch screen), ending in good/better/best proposals.

Questions: what to do (chat/serve, LoRA/QLoRA, full fine-tune, pretrain); which model; then for inference
how many people at once and how compact a model, for training how much data; then one page of details with
defaults already chosen: the context each user holds and a speed target (a service level: P95 time to first
token and per output token, the ``recommend`` command's --slo-ttft-p95 / --slo-tpot-p95) for inference, and a
budget. The answers are kept in the settings (``wizard/answers``): the next opening shows them chosen and
offers "Same as last time". The proposals come from ``core.recommend`` (synchronous: well under a second,
about 0.3 s with a service level) and show as cards with the verdict figures of their analysis; the cheaper
builds that were left out are listed with the reason. Choosing one sets ``chosen_build`` (a core Build) and
emits ``build_chosen(build)``; the window makes it the current build.
"""

from __future__ import annotations

import json
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QStackedWidget,
    QVBoxLayout, QWidget,
)

from configurator.core.errors import ConfiguratorError
from configurator.present import money
from configurator.present.verdict import verdict
from configurator.present.wizard import (
    BUDGETS, CONTEXTS, SERVICE_LEVELS, budget_text, context_text, rejection_line, service_level_text,
)
from configurator.core.recommend import Request, recommend

BUTTON_HEIGHT = 72  # px: a fingertip with margin (Apple HIG 44 pt minimum; booths want more)
BUTTON_STYLE = "QPushButton { font-size: 15pt; padding: 10px 18px; text-align: center; }"
CARD_STYLE = "QPushButton { font-size: 12pt; padding: 14px; text-align: left; }"
ADDED_TEXT = "Added to\ncompare ✓"  # a proposal's "Add to compare" once it is in the compare tray
SETTINGS_KEY = "wizard/answers"  # the last answers, as JSON, in the window's QSettings
CHOICE_STYLE = ("QPushButton { font-size: 12pt; padding: 8px 12px; }"
                "QPushButton:checked { background: #1f6fb4; color: white; font-weight: bold; }")
MARK_STYLE = {"good": "color:#2e7d32", "fair": "color:#b26a00", "bad": "color:#c62828", "neutral": ""}
DEFAULTS = {"context": 8192, "slo": "none", "budget": None}

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
        self.buttons: list[QWidget] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.grid)
        layout.addStretch(1)

    def add(self, button: QWidget) -> QWidget:
        if isinstance(button, QPushButton):  # an answer: the last one shows chosen when the wizard opens again
            button.setCheckable(True)
            button.setAutoExclusive(True)
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
        self.answers: dict = {**DEFAULTS, **self._saved()}
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
        self.details_page = self._details_page()
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
        self.cards: dict[str, QFrame] = {}
        self.rejected_label = QLabel()
        self.rejected_label.setObjectName("wizard-rejected")
        self.rejected_label.setWordWrap(True)
        self.rejected_label.setTextFormat(Qt.TextFormat.RichText)
        self.proposals_page.layout().insertWidget(self.proposals_page.layout().count() - 1, self.rejected_label)
        self.repeat_button = big_button("", "repeat-last")
        self.repeat_button.clicked.connect(self._propose)
        self.mode_page.layout().insertWidget(1, self.repeat_button)
        for page in (self.mode_page, self.model_page, self.users_page, self.precision_page, self.tokens_page,
                     self.details_page):
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
        self.resize(960, 700)
        self._show_saved()
        self._update_back()

    # -- kept answers ----------------------------------------------------------------------------
    def _settings(self):
        return getattr(self.context, "settings", None)

    def _saved(self) -> dict:
        settings = self._settings()
        if settings is None:
            return {}
        try:
            saved = json.loads(str(settings.value(SETTINGS_KEY, "") or "{}"))
        except ValueError:
            return {}  # a damaged value is forgotten, never an error
        return saved if isinstance(saved, dict) else {}

    def _save(self) -> None:
        settings = self._settings()
        if settings is not None:
            settings.setValue(SETTINGS_KEY, json.dumps(self.answers))
            settings.sync()

    def _show_saved(self) -> None:
        """The kept answers chosen on every page, and "Same as last time" when they make a whole request."""
        a = self.answers
        marks = [f"mode-{a.get('mode')}", f"model-{a.get('model_id')}", f"users-{a.get('users')}",
                 f"precision-{a.get('precision')}", f"context-{a.get('context')}", f"slo-{a.get('slo')}",
                 f"budget-{a.get('budget') or 'none'}"]
        for name in marks:
            for page in (self.mode_page, self.model_page, self.users_page, self.precision_page, self.details_page):
                found = page.findChild(QPushButton, name)
                if found is not None and found.isCheckable():
                    found.setChecked(True)
        complete = a.get("mode") and a.get("model_id") and (a.get("mode") != "infer" or a.get("users"))
        if complete:
            try:
                model = self.catalog.model(a["model_id"]).name
            except (KeyError, ConfiguratorError):
                complete = False
        self.repeat_button.setVisible(bool(complete))
        if complete:
            what = dict(MODES).get(a["mode"], a["mode"])
            who = f", {a['users']:,} at once" if a["mode"] == "infer" else ""
            self.repeat_button.setText(f"Same as last time: {what}, {model}{who}")

    # -- the details page --------------------------------------------------------------------------
    def _choices(self, page: QWidget, grid: QGridLayout, row: int, title: str, options, key: str,
                 per_row: int = 4) -> QButtonGroup:
        label = QLabel(title)
        label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        grid.addWidget(label, row, 0, 1, 4)
        group = QButtonGroup(page)
        group.setExclusive(True)
        for i, (value, text, name) in enumerate(options):
            b = QPushButton(text)
            b.setObjectName(name)
            b.setCheckable(True)
            b.setMinimumHeight(BUTTON_HEIGHT * 2 // 3)
            b.setStyleSheet(CHOICE_STYLE)
            b.setChecked(self.answers.get(key) == value)
            b.clicked.connect(lambda _=False, v=value: self.answers.__setitem__(key, v))
            group.addButton(b)
            span = 4 // per_row
            grid.addWidget(b, row + 1 + i // per_row, (i % per_row) * span, 1, span)
        return group

    def _details_page(self) -> Page:
        page = Page("A few more details (defaults already chosen)", columns=1)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.context_row = self._choices(page, grid, 0, "Context each user holds",
                                         [(c, context_text(c), f"context-{c}") for c in CONTEXTS], "context")
        self.slo_row = self._choices(page, grid, 2, "Speed target (service level)",
                                     [(k, service_level_text(k), f"slo-{k}") for k in SERVICE_LEVELS], "slo",
                                     per_row=2)
        self.budget_row = self._choices(page, grid, 5, "Budget (list price)",
                                        [(b, budget_text(b), f"budget-{b or 'none'}") for b in BUDGETS], "budget")
        page.layout().insertLayout(1, grid)
        go = big_button("Show proposals", "show-proposals")
        go.clicked.connect(self._propose)
        page.layout().insertWidget(2, go)
        return page

    def _inference_only(self, on: bool) -> None:
        for group in (self.context_row, self.slo_row):
            for b in group.buttons():
                b.setEnabled(on)

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
        else:  # precision or tokens: then the details, already filled in
            self._inference_only(mode == "infer")
            self._go(self.details_page)

    def _fill_tokens(self, mode: str) -> None:
        page = self.tokens_page
        page.clear()
        for tokens, text in (PRETRAIN_TOKENS if mode == "pretrain" else TOKENS):
            name = "tokens-default" if tokens is None else f"tokens-{tokens:g}"
            page.add(big_button(text, name)).clicked.connect(lambda _=False, t=tokens: self._answer("tokens", t))

    def request(self) -> Request:
        a = self.answers
        budget = Decimal(a["budget"]) if a.get("budget") else None
        if a.get("mode") == "infer":
            _, ttft, tpot = SERVICE_LEVELS.get(a.get("slo") or "none", SERVICE_LEVELS["none"])
            return Request("infer", a["model_id"], a.get("precision"), users=a.get("users", 1),
                           context=a.get("context") or 8192, budget=budget, slo_ttft_p95_s=ttft, slo_tpot_p95_s=tpot)
        return Request(a["mode"], a["model_id"], None, tokens=a.get("tokens"), budget=budget)

    def _propose(self) -> None:
        page = self.proposals_page
        page.clear()
        self.cards = {}
        self.compare_message.setText("")
        self.rejected_label.setText("")
        self._save()
        try:
            self.recommendation = recommend(self.request(), self.catalog)
        except ConfiguratorError as exc:
            self.recommendation = None
            self.notes.setText(str(exc))
            self._go(page)
            return
        rec = self.recommendation
        page.title.setText("Proposals" if rec.proposals else "No proposal")
        self.notes.setText("\n".join(n for n in rec.notes if "misses the service level" not in n))
        for proposal in rec.proposals:
            page.add(self._card_row(self._card(proposal), proposal))
        if rec.rejected:
            lines = "".join(f"<li>{_html(rejection_line(r.name, r.price, r.currency, r.reason))}</li>"
                            for r in rec.rejected)
            head = "Cheaper builds left out" if rec.proposals else "Builds that were tried"
            self.rejected_label.setText(f"<b>{head}, and why:</b><ul>{lines}</ul>")
        self._go(page)

    def _card(self, proposal) -> QFrame:
        """A proposal as a card: tier, build and price; the verdict figures of its analysis (fits, speed, first
        token or time to train, checks); its summary; "Use this build" chooses it."""
        price = money(proposal.price_total, proposal.analysis.price.currency)
        card = QFrame()
        card.setObjectName(f"card-{proposal.tier}")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setStyleSheet(f"QFrame#card-{proposal.tier} {{ border: 1px solid #9aa7b4; border-radius: 8px; }}")
        layout = QVBoxLayout(card)
        head = QLabel(f"<span style='font-size:15pt'><b>{proposal.tier.upper()}</b> · "
                      f"{_html(proposal.build.name)} · <b>{_html(price)}</b></span>")
        head.setWordWrap(True)
        layout.addWidget(head)
        figures = QGridLayout()
        items = [i for i in verdict(proposal.analysis) if i.key != "price"]
        for col, item in enumerate(items):
            title = QLabel(f"<span style='color:#555'>{_html(item.title)}</span>")
            value = QLabel(f"<span style='font-size:14pt;{MARK_STYLE.get(item.state, '')}'>"
                           f"<b>{_html(f'{item.mark} {item.value}'.strip())}</b></span>")
            value.setObjectName(f"figure-{proposal.tier}-{item.key}")
            value.setAccessibleName(item.text)
            detail = QLabel(_html(item.detail))
            detail.setWordWrap(True)
            figures.addWidget(title, 0, col)
            figures.addWidget(value, 1, col)
            figures.addWidget(detail, 2, col)
        layout.addLayout(figures)
        summary = QLabel(proposal.summary)
        summary.setWordWrap(True)
        layout.addWidget(summary)
        use = big_button("Use this build", f"proposal-{proposal.tier}", CARD_STYLE)
        use.setAccessibleName(f"{proposal.tier.upper()}: {proposal.build.name} — {price}\n{proposal.summary}")
        use.clicked.connect(lambda _=False, p=proposal: self.choose(p))
        layout.addWidget(use)
        self.cards[proposal.tier] = card
        return card

    def _card_row(self, card: QWidget, proposal) -> QWidget:
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


def _html(text: str) -> str:
    import html

    return html.escape(text)
