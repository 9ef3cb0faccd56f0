"""`configurator approver new-key|trust|policy|keys`: approver keys and the installation's protected policy.

    configurator approver new-key FILE        write a private key to FILE (mode 0600); print its public key
    configurator approver trust PUBLIC_KEY    let this installation accept approvals signed by that key
    configurator approver policy --key FILE [--role ROLE] [--limit PCT] [--rate-tolerance PCT]
                                 [--rate BASE/CUR=RATE ...]
                                              sign this installation's role, discount limit, exchange-rate
                                              tolerance and stored rates with a trusted key
    configurator approver keys                the keys this installation trusts and the policy in force

Keys are Ed25519 (core/quotes/approvals.py). The private key never leaves the approver's file; an
installation holds public keys only, with which it can check an approval but not make one. The customer
edition takes no approvals: trust and policy are refused there.
"""

from __future__ import annotations

import os
from pathlib import Path

from configurator.core.errors import ConfiguratorError


def register(sub) -> None:
    p = sub.add_parser("approver", help="approver keys and the installation's protected discount policy")
    asub = p.add_subparsers(dest="approver_command", metavar="ACTION", required=True, parser_class=type(p))

    k = asub.add_parser("new-key", help="write a new private approver key to FILE (mode 0600); print its public key")
    k.add_argument("file", type=Path, metavar="FILE")
    k.set_defaults(func=_new_key)

    t = asub.add_parser("trust", help="accept approvals signed by this public key on this installation")
    t.add_argument("public_key", metavar="PUBLIC_KEY")
    t.set_defaults(func=_trust)

    pol = asub.add_parser("policy", help="sign this installation's role, discount limit and exchange rates")
    pol.add_argument("--key", type=Path, required=True, metavar="FILE", help="a trusted approver's private key")
    pol.add_argument("--role", choices=("sales_engineer", "manager"), default="sales_engineer")
    pol.add_argument("--limit", metavar="PCT", help="largest discount this installation gives without approval")
    pol.add_argument("--rate-tolerance", metavar="PCT",
                     help="how far (percent) a quote's exchange rate may be from the stored one without approval")
    pol.add_argument("--rate", action="append", default=[], metavar="BASE/CUR=RATE",
                     help="a stored exchange rate, e.g. USD/EUR=0.92 (repeatable)")
    pol.set_defaults(func=_policy)

    ls = asub.add_parser("keys", help="list the trusted approver keys and the policy in force")
    ls.set_defaults(func=_keys)


def _refuse_customer_edition(what: str) -> None:
    from configurator.paths import edition

    if edition() != "internal":
        raise ConfiguratorError(f"this is the customer edition: it takes no approvals ({what} refused)")


def _store():
    from configurator.store.quotes import QuoteStore
    from configurator.store.userdb import UserDatabase, user_database_path

    userdb = UserDatabase(user_database_path())
    return userdb, QuoteStore(userdb.db)


def read_private_key(path: Path):
    from configurator.core.quotes.approvals import load_private_key_file

    return load_private_key_file(path)


def _new_key(args) -> int:
    from configurator.core.quotes.approvals import generate_key

    path: Path = args.file
    if path.exists():
        raise ConfiguratorError(f"{path} exists: an approver key is never overwritten (choose another name)")
    pem, public = generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise ConfiguratorError(f"cannot create {path} ({exc.strerror or exc})") from None
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # whatever the umask: readable by its owner only
        os.write(fd, pem)
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise ConfiguratorError(f"cannot write {path} ({exc.strerror or exc})") from None
    os.close(fd)
    print(public)
    return 0


def _trust(args) -> int:
    _refuse_customer_edition("approver trust")
    userdb, store = _store()
    try:
        kid = store.trust(args.public_key)
    finally:
        userdb.close()
    print(f"trusted approver key {kid}: approvals it signs are accepted on this installation")
    return 0


def _rates(values: list[str]) -> dict[str, str]:
    import re

    from configurator.core.quotes.model import check_rate

    rates = {}
    for value in values:
        m = re.fullmatch(r"([A-Za-z]{3})/([A-Za-z]{3})=(.+)", value.strip())
        if not m:
            raise ConfiguratorError(f"--rate '{value}' is not BASE/CUR=RATE, e.g. USD/EUR=0.92")
        rates[f"{m.group(1).upper()}/{m.group(2).upper()}"] = str(check_rate(m.group(3)))
    return rates


def _policy(args) -> int:
    from configurator.core.money import check_percent
    from configurator.core.quotes.approvals import sign_policy

    _refuse_customer_edition("approver policy")
    key = read_private_key(args.key)
    settings: dict = {"role": args.role, "rates": _rates(args.rate)}
    if args.limit is not None:
        settings["limit"] = str(check_percent(args.limit, "--limit"))
    if args.rate_tolerance is not None:
        settings["rate_tolerance"] = str(check_percent(args.rate_tolerance, "--rate-tolerance"))
    userdb, store = _store()
    try:
        store.set_policy(sign_policy(key, store.installation_id(), settings))
        policy = store.discount_policy()
    finally:
        userdb.close()
    print(f"policy in force: {policy.role.replace('_', ' ')}, discount limit {policy.limit()}%, exchange-rate "
          f"tolerance {policy.rate_tolerance_percent}%, {len(policy.rates)} stored rate(s)")
    return 0


def _keys(args) -> int:
    from configurator.core.quotes.approvals import key_id

    userdb, store = _store()
    try:
        keys = store.trusted_keys()
        policy = store.discount_policy()
        problem = store.policy_problem()
    finally:
        userdb.close()
    for k in keys:
        print(f"{key_id(k)} {k}")
    if not keys:
        print("no trusted approver key (configurator approver trust PUBLIC_KEY)")
    print(f"policy: {policy.role.replace('_', ' ')}, discount limit {policy.limit()}%, exchange-rate tolerance "
          f"{policy.rate_tolerance_percent}%" + (f" (the stored policy is not in force: {problem})" if problem else ""))
    return 0
