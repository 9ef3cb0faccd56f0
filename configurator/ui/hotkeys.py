"""Every keyboard shortcut, in one place."""

from PySide6.QtGui import QKeySequence

QUIT = QKeySequence(QKeySequence.StandardKey.Quit)
FIND = QKeySequence(QKeySequence.StandardKey.Find)  # focus the catalog filter
FULL_SCREEN = QKeySequence("F11")
