"""PySide6 + pyqtgraph user interface. Only this package imports Qt."""
