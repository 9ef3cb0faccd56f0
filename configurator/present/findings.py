"""How a finding's severity reads on paper and on screen: 'Error', 'Warning', 'Note' (the rules' 'info' is a
note to the reader, as the findings counts say: '0 errors, 1 warning, 2 notes')."""

from __future__ import annotations

SEVERITY_WORDS = {"error": "Error", "warning": "Warning", "info": "Note"}


def severity_word(severity: str) -> str:
    return SEVERITY_WORDS.get(severity, severity.capitalize())
