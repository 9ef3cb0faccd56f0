"""Approvals that can be checked offline and cannot be forged: Ed25519 signatures (``cryptography``).

An approver (a manager) holds a private key; every installation holds the approvers' public keys, with
which it can check a signature but not make one. Two things are signed:

- **An approval** of one quote: its number (without the revision letter), the discount, the currency
  and the total after discount as printed, and an expiry date. The token carries those fields in clear
  so a refusal can say exactly what does not match::

      A1:Q-7KQ3H9XM2A-00042:25:USD:22173.75:2026-12-31:3fa0b1c2:<86 characters of signature>

- **An installation policy** (the protected settings): this installation's role, its discount limit,
  the exchange-rate tolerance and the stored rates, bound to the installation id. Written by
  ``configurator approver policy``; without a valid one the defaults apply (DiscountPolicy()).

Keys are written as text: a private key as PKCS#8 PEM (file mode 0600), a public key as the 32 raw bytes
in hexadecimal (64 characters: never starts with a dash, so it passes as a command-line argument), its id as
the first 4 bytes of its SHA-256 (8
characters). Qt-free, SQL-free.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Iterable

from configurator.core.errors import ConfiguratorError
from configurator.core.money import cents
from configurator.present import money_code

APPROVAL_PREFIX = "A1"
POLICY_PREFIX = "P1"
APPROVAL_CONTEXT = b"configurator-approval-v1"
POLICY_CONTEXT = b"configurator-policy-v1"
MAX_APPROVAL_DAYS = 366  # an approval is for one offer: a year at most
_NUMBER = re.compile(r"^Q-[A-Z0-9]{2,12}-\d{5,}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DECIMAL = re.compile(r"^\d{1,12}(\.\d{1,6})?$")


class ApprovalError(ConfiguratorError):
    """An approval code, key or policy that cannot be accepted; the message says why, for a person."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ApprovalError(f"{what} holds characters that are not URL-safe base64")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ApprovalError(f"{what} is not valid base64") from None


# -- keys ----------------------------------------------------------------------------------------------
def generate_key() -> tuple[bytes, str]:
    """(private key as PEM, public key text) of a new Ed25519 key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return pem, public_key_text(key)


def load_private_key(pem: bytes, source: str = "key file"):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        reason = "it is password-protected" if "password" in str(exc).lower() else "it is not a PEM private key"
        raise ApprovalError(f"{source} cannot be used as an approver key: {reason} "
                            f"(make one with `configurator approver new-key FILE`)") from None
    except Exception:  # cryptography raises its own UnsupportedAlgorithm for unknown key kinds
        raise ApprovalError(f"{source} is not an Ed25519 approver key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ApprovalError(f"{source} is not an Ed25519 approver key")
    return key


def load_private_key_file(path) -> object:
    """The Ed25519 private key in a PEM file; ApprovalError naming the file when it cannot be used."""
    from pathlib import Path

    try:
        pem = Path(path).read_bytes()
    except OSError as exc:
        raise ApprovalError(f"cannot read the approver key {path} ({exc.strerror or exc})") from None
    return load_private_key(pem, str(path))


def public_key_text(private_key) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def parse_public_key(text: str) -> str:
    """The canonical text of a public key; ApprovalError when ``text`` is not one."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    cleaned = "".join(text.split()).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", cleaned):
        raise ApprovalError(f"'{cleaned[:70]}' is not a public key: 64 hexadecimal digits as printed by "
                            f"`configurator approver new-key`")
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(cleaned))
    except ValueError:
        raise ApprovalError("the public key is not a valid Ed25519 key") from None
    return cleaned


def key_id(public_text: str) -> str:
    """The first 4 bytes of the key's SHA-256 in hex: names the key in a token and in listings."""
    return hashlib.sha256(bytes.fromhex(public_text)).digest()[:4].hex()


def _verify(public_text: str, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_text))
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def _trusted_by_id(trusted: Iterable[str]) -> dict[str, str]:
    return {key_id(k): k for k in trusted}


# -- approvals -----------------------------------------------------------------------------------------
def canonical_percent(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def canonical_total(value: Decimal) -> str:
    return format(cents(Decimal(value)), "f")


@dataclass(frozen=True)
class ApprovalToken:
    number: str  # Q-PREFIX-NNNNN, no revision letter
    discount: Decimal
    currency: str  # may be "" when the approver named no currency
    total: Decimal
    expires: date
    key_id: str
    signature: bytes

    def message(self) -> bytes:
        return _approval_message(self.number, self.discount, self.currency, self.total, self.expires)


def _approval_message(number: str, discount: Decimal, currency: str, total: Decimal, expires: date) -> bytes:
    fields = (number, canonical_percent(discount), currency, canonical_total(total), expires.isoformat())
    return APPROVAL_CONTEXT + b"|" + "|".join(fields).encode("ascii")


def sign_approval(private_key, number: str, discount: Decimal, total: Decimal, expires: date,
                  currency: str = "", today: date | None = None) -> str:
    """The approval token for ``number`` at ``discount`` percent and ``total`` (after discount, as printed)."""
    number = number.strip().upper()
    if not _NUMBER.match(number):
        raise ApprovalError(f"'{number}' is not a quote number without its revision letter, like Q-7KQ3H9XM2A-00042")
    if currency and not _CURRENCY.match(currency):
        raise ApprovalError(f"currency '{currency}' is not a three-letter code such as USD")
    if not Decimal(0) <= discount <= Decimal(100):
        raise ApprovalError(f"a discount of {discount}% is outside 0-100%")
    if total < 0 or total != cents(total):
        raise ApprovalError(f"the total {total} is not an amount in cents")
    today = today or date.today()
    if expires < today:
        raise ApprovalError(f"the expiry date {expires.isoformat()} is in the past")
    if (expires - today).days > MAX_APPROVAL_DAYS:
        raise ApprovalError(f"an approval expires within {MAX_APPROVAL_DAYS} days (not {expires.isoformat()})")
    signature = private_key.sign(_approval_message(number, discount, currency, total, expires))
    kid = key_id(public_key_text(private_key))
    return ":".join((APPROVAL_PREFIX, number, canonical_percent(discount), currency, canonical_total(total),
                     expires.isoformat(), kid, _b64(signature)))


def parse_approval(text: str) -> ApprovalToken:
    """The fields of an approval token; ApprovalError naming what is malformed."""
    cleaned = "".join(text.split())
    parts = cleaned.split(":")
    if len(parts) != 8 or parts[0] != APPROVAL_PREFIX:
        raise ApprovalError("the approval code is not an approval token (it starts with A1: and is printed by "
                            "`configurator approve`)")
    _, number, discount, currency, total, expires, kid, sig = parts
    if not _NUMBER.match(number):
        raise ApprovalError(f"the approval code names '{number[:30]}', not a quote number")
    if not _DECIMAL.match(discount) or not _DECIMAL.match(total):
        raise ApprovalError("the approval code's discount or total is not a plain decimal number")
    if currency and not _CURRENCY.match(currency):
        raise ApprovalError(f"the approval code's currency '{currency[:8]}' is not a three-letter code")
    try:
        expiry = date.fromisoformat(expires)
    except ValueError:
        raise ApprovalError(f"the approval code's expiry '{expires[:12]}' is not a date") from None
    if not re.fullmatch(r"[0-9a-f]{8}", kid):
        raise ApprovalError("the approval code's key id is malformed")
    signature = _unb64(sig, "the approval code's signature")
    if len(signature) != 64:
        raise ApprovalError("the approval code's signature is cut short or too long (mistyped?)")
    try:
        token = ApprovalToken(number, Decimal(discount), currency, Decimal(total), expiry, kid, signature)
    except InvalidOperation:
        raise ApprovalError("the approval code's figures are not numbers") from None
    if canonical_percent(token.discount) != discount or canonical_total(token.total) != total or \
            expiry.isoformat() != expires:
        # one approval, one spelling: a token whose figures were re-written (022173.75) is not the one signed
        raise ApprovalError("the approval code was altered (its figures are not written as signed)")
    return token


def verify_approval(text: str, trusted: Iterable[str], number: str, discount: Decimal, currency: str,
                    total: Decimal, today: date | None = None) -> ApprovalToken:
    """The token when it is signed by a trusted key for exactly this quote number, discount, currency and
    total and has not expired; else ApprovalError saying which of these fails."""
    token = parse_approval(text)
    keys = _trusted_by_id(trusted)
    if not keys:
        raise ApprovalError("this installation trusts no approver key yet (`configurator approver trust "
                            "PUBLIC_KEY`), so no approval code can be accepted")
    public = keys.get(token.key_id)
    if public is None:
        raise ApprovalError(f"the approval code is signed by key {token.key_id}, which this installation does "
                            f"not trust")
    if not _verify(public, token.signature, token.message()):
        raise ApprovalError("the approval code's signature does not match its content (altered or mistyped)")
    if token.number != number:
        raise ApprovalError(f"the approval code is for quote {token.number}, not {number}")
    if Decimal(token.discount) != Decimal(discount):
        raise ApprovalError(f"the approval code approves a {canonical_percent(token.discount)}% discount; this "
                            f"quote gives {canonical_percent(discount)}%")
    if token.currency and token.currency != currency:
        raise ApprovalError(f"the approval code is for a total in {token.currency}; this quote is in {currency}")
    if cents(token.total) != cents(total):
        raise ApprovalError(f"the approval code approves a total of "
                            f"{money_code(token.total, token.currency or currency)}; this quote's total is "
                            f"{money_code(total, currency)}")
    today = today or date.today()
    if token.expires < today:
        raise ApprovalError(f"the approval code expired on {token.expires.isoformat()}")
    return token


# -- installation policy ---------------------------------------------------------------------------------
def sign_policy(private_key, installation_id: str, settings: dict) -> str:
    """A policy token binding ``settings`` (JSON-able: role, limit, rate_tolerance, rates) to one installation."""
    payload = json.dumps({"installation": installation_id, **settings}, sort_keys=True,
                         separators=(",", ":")).encode("utf-8")
    signature = private_key.sign(POLICY_CONTEXT + b"|" + payload)
    return ":".join((POLICY_PREFIX, _b64(payload), key_id(public_key_text(private_key)), _b64(signature)))


def verify_policy(text: str, trusted: Iterable[str], installation_id: str) -> dict:
    """The settings of a policy token signed by a trusted key for this installation; else ApprovalError."""
    parts = "".join(text.split()).split(":")
    if len(parts) != 4 or parts[0] != POLICY_PREFIX:
        raise ApprovalError("the stored installation policy is not a policy token")
    payload = _unb64(parts[1], "the policy")
    public = _trusted_by_id(trusted).get(parts[2])
    if public is None:
        raise ApprovalError(f"the installation policy is signed by key {parts[2]}, which is not trusted")
    signature = _unb64(parts[3], "the policy's signature")
    if len(signature) != 64 or not _verify(public, signature, POLICY_CONTEXT + b"|" + payload):
        raise ApprovalError("the installation policy's signature does not match its content (altered)")
    try:
        settings = json.loads(payload)
    except ValueError:
        raise ApprovalError("the installation policy is not readable") from None
    if not isinstance(settings, dict) or settings.get("installation") != installation_id:
        raise ApprovalError("the installation policy was signed for another installation (a copied profile?)")
    return settings
