"""A finding: what a rule says about a build."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"  # blocks the quote: the build cannot work as configured
WARNING = "warning"  # works, but a customer should know (slower, hotter, no redundancy)
INFO = "info"  # a hint (an option, a service the offer usually includes)
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str  # stable: tests, the CLI's --json and the UI key on it
    message: str  # a sentence a customer understands
    parts: tuple[str, ...] = ()  # catalog ids involved

    def as_dict(self) -> dict:
        return {"severity": self.severity, "code": self.code, "message": self.message, "parts": list(self.parts)}


def error(code: str, message: str, *parts: str) -> Finding:
    return Finding(ERROR, code, message, tuple(dict.fromkeys(parts)))


def warning(code: str, message: str, *parts: str) -> Finding:
    return Finding(WARNING, code, message, tuple(dict.fromkeys(parts)))


def info(code: str, message: str, *parts: str) -> Finding:
    return Finding(INFO, code, message, tuple(dict.fromkeys(parts)))
