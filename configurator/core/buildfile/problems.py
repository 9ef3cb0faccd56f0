"""Collecting the problems of a document, each named by its JSON path."""

from __future__ import annotations

import json


class Problems:
    """Collects 'path: message' strings while a document is checked."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")

    def is_int(self, value, path: str, low: int, high: int | None = None) -> bool:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, f"{show(value)} is not a whole number")
            return False
        if value < 0 and low >= 0:
            self.add(path, f"{value} is negative")
            return False
        if value < low:
            self.add(path, f"{value} is less than {low}")
            return False
        if high is not None and value > high:
            self.add(path, f"{value} is more than the limit of {high}")
            return False
        return True

    def is_str(self, value, path: str) -> bool:
        if not isinstance(value, str):
            self.add(path, f"{show(value)} is not text")
            return False
        return True


def show(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."
