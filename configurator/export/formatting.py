"""What every export shares: its error type and the customer-edition guard.

How a figure reads lives in configurator/present (one place for the window, the documents and the CLI).
"""

from __future__ import annotations

import re

from configurator.core.errors import ConfiguratorError

# The customer edition must not show dealer cost or margin anywhere: not the figure, not the word.
_INTERNAL_WORDS = re.compile(r"\b(costs?|margins?|dealer)\b", re.IGNORECASE)


class ExportError(ConfiguratorError):
    pass


def ensure_customer_safe(texts: list[str], what: str) -> None:
    """Raise ExportError if any text of a customer-edition export names cost or margin."""
    for text in texts:
        m = _INTERNAL_WORDS.search(text)
        if m:
            raise ExportError(f"the customer edition of the {what} would print '{m.group(0)}' "
                              f"(in '{text[:60]}'): nothing was written")
