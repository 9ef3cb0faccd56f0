"""Every keyboard shortcut, in one place."""

from PySide6.QtGui import QKeySequence

StandardKey = QKeySequence.StandardKey

NEW = QKeySequence(StandardKey.New)
OPEN = QKeySequence(StandardKey.Open)
SAVE = QKeySequence(StandardKey.Save)
SAVE_AS = QKeySequence(StandardKey.SaveAs)
QUIT = QKeySequence(StandardKey.Quit)
UNDO = QKeySequence(StandardKey.Undo)
REDO = QKeySequence(StandardKey.Redo)
FIND = QKeySequence(StandardKey.Find)  # focus the catalog filter
ADD_PART = [QKeySequence("Insert"), QKeySequence("Return"), QKeySequence("Enter")]  # add selected catalog part
QUOTE = QKeySequence("Ctrl+P")
WIZARD = QKeySequence("Ctrl+Shift+N")
COMPARE = QKeySequence("Ctrl+Shift+C")
FULL_SCREEN = QKeySequence("F11")
REMOVE_WORKLOAD = QKeySequence(StandardKey.Delete)  # on the workload list: remove the selected workload
