"""Qt-free domain: units, money, parts, workloads, sizing, builds, rules, pricing.

Nothing under this package may import PySide6, pyqtgraph or sqlite (tests/unit/test_layering.py).
"""
