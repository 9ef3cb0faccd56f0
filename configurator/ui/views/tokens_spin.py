"""A spin box for a token count that reads as people say it ("100 million tokens", "2.5 billion tokens"), not
"0.100 B tokens". Its value stays in billions (what the workload panel reads and sets); typed text may name
its scale ("250 million", "2.5B", "1 trillion tokens"), and a number alone is billions."""

from __future__ import annotations

import re

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox

from configurator.present import tokens

SCALES = {"": 1.0, "k": 1e-6, "thousand": 1e-6, "m": 1e-3, "million": 1e-3, "b": 1.0, "billion": 1.0,
          "t": 1e3, "trillion": 1e3}  # word -> billions per unit
_TEXT = re.compile(r"^\s*([0-9][0-9,]*(?:\.[0-9]*)?)\s*([a-z]*)\s*(?:tokens?)?\s*$", re.IGNORECASE)


def parse_billions(text: str) -> float | None:
    """'100 million tokens' -> 0.1; '2.5B' -> 2.5; '7' -> 7.0; None when it is not a token count."""
    found = _TEXT.match(text or "")
    if not found:
        return None
    scale = SCALES.get(found.group(2).lower())
    if scale is None:
        return None
    try:
        return float(found.group(1).replace(",", "")) * scale
    except ValueError:
        return None


class TokensSpinBox(QDoubleSpinBox):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDecimals(3)  # 0.001 billion: one million tokens is the finest step shown
        self.setToolTip("Training tokens, e.g. 100 million, 2.5 billion or 1 trillion (a number alone is billions)")

    def textFromValue(self, value: float) -> str:
        return tokens(value * 1e9)

    def valueFromText(self, text: str) -> float:
        parsed = parse_billions(text)
        return self.value() if parsed is None else parsed

    def validate(self, text: str, pos: int):
        parsed = parse_billions(text)
        if parsed is None:
            return QValidator.State.Intermediate, text, pos
        if not self.minimum() <= parsed <= self.maximum():
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos

    def fixup(self, text: str) -> str:
        return self.textFromValue(self.value())
