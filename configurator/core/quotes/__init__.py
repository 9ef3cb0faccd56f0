"""Quotes: the model (numbering, revisions, terms) and the policy (discount approval, issue check,
prices). Qt-free and SQL-free; store/quotes.py keeps them in the user database."""

from configurator.core.quotes.model import (
    DEFAULT_VALID_DAYS, DRAFT, ISSUED, MANAGER, MAX_OPTIONS, MIN_OPTIONS, PAYMENT_TERMS, ROLES, SALES_ENGINEER,
    Customer, Quote, QuoteOption,
    QuoteError, QuoteLockedError, format_number, next_revision, parse_label, revision_index, revision_letter,
    valid_until_for, validate,
)
from configurator.core.quotes.policy import (
    APPROVED, PENDING, PENDING_TEXT, WITHIN_LIMIT, Approval, DiscountPolicy, approval, check_issuable,
    default_service_lines, quote_prices,
)

__all__ = [
    "DEFAULT_VALID_DAYS", "DRAFT", "ISSUED", "MANAGER", "MAX_OPTIONS", "MIN_OPTIONS", "PAYMENT_TERMS", "ROLES",
    "SALES_ENGINEER", "Customer", "Quote", "QuoteOption", "QuoteError", "QuoteLockedError", "format_number", "next_revision", "parse_label", "revision_index",
    "revision_letter", "valid_until_for", "validate", "APPROVED", "PENDING", "PENDING_TEXT", "WITHIN_LIMIT",
    "Approval", "DiscountPolicy", "approval", "check_issuable", "default_service_lines", "quote_prices",
]
