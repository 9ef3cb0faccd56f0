"""The wizard's words: the service levels it offers, budgets, contexts, and why a cheaper build was left out."""

from __future__ import annotations

from decimal import Decimal

from configurator.present.numbers import money

# key -> (label, P95 time to first token in s, P95 time per output token in s); None: no service level.
# The levels follow the charts' bands (30 tok/s feels fast, 10 feels slow) and first-token waits a chat user
# accepts (under a second feels instant, a few seconds is a visible wait).
SERVICE_LEVELS: dict[str, tuple[str, float | None, float | None]] = {
    "none": ("No speed target", None, None),
    "snappy": ("Snappy chat", 1.0, 1 / 30),
    "chat": ("Chat", 2.0, 1 / 20),
    "batch": ("Agents and batch work", 10.0, 1 / 10),
}
CONTEXTS = (4096, 8192, 32768, 131072)  # tokens each user holds
BUDGETS = (None, 15_000, 30_000, 60_000, 150_000, 400_000, 1_000_000, 3_000_000)  # USD list price, None: no limit


def service_level_text(key: str) -> str:
    """'Chat: first token within 2.0 s, 20 tok/s each (P95)'; 'No speed target'."""
    label, ttft, tpot = SERVICE_LEVELS[key]
    if ttft is None:
        return label
    return f"{label}: first token within {ttft:g} s, {1 / tpot:.0f} tok/s each (P95)"


def context_text(tokens: int) -> str:
    """'8k tokens', '128k tokens'."""
    return f"{tokens // 1024:,}k tokens" if tokens % 1024 == 0 else f"{tokens:,} tokens"


def budget_text(usd: int | None, currency: str = "USD") -> str:
    """'No limit', 'Up to $60,000'."""
    if usd is None:
        return "No limit"
    return f"Up to {money(Decimal(usd), currency)}".replace(".00", "")


def rejection_line(name: str, price: Decimal, currency: str, reason: str) -> str:
    """'1 x GeForce RTX 4090 workstation ($11,734.00): it does not fit: 61.1 GB needed per GPU, 24 GB there.'"""
    return f"{name} ({money(price, currency)}): {reason}."
