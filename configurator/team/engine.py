"""The sync: push what this laptop made, pull what the office published. The user database stays the working
store; a sync is a series of batches, each one PostgreSQL transaction followed by one SQLite transaction that
records what the server now holds.

Faults. Every server write is idempotent (issued revisions: INSERT ... ON CONFLICT DO NOTHING on their number
and revision; drafts and orders: upserts of this installation's own rows; customers: a field-by-field merge that
skips a value the server already holds), so a batch the server committed but the laptop did not hear of is sent
again harmlessly: no duplicate, and since nothing is marked pushed before its batch committed, no gap.
Each batch also writes a fresh token to ``sync_marks``, stored locally with the batch's record. A server whose
token differs from the laptop's (restored from a backup taken before the last sync, or the laptop missed the
reply) gets everything again: the push marks are dropped and the merge starts from scratch (``reconciled``).
Two syncs of one installation queue on a session advisory lock; two laptops sync side by side.

Time. The order of customer edits is decided by the server's clock (the time an edit reaches it), never the
laptop's: a laptop whose clock is wrong cannot win or lose by it. The offset is measured and reported.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable

from configurator.team import local
from configurator.team.connection import NotRegisteredError, TeamServerError, connect, server_errors, where

BATCH_SIZE = 250  # rows per transaction: 1,000 revisions in 4 round trips, and a dropped link loses one batch
LOCK_BASE = 0x5C0000000  # pg_advisory_lock key = LOCK_BASE + installation id: one sync per installation at once
CUSTOMER_LOCK = 0x5C0FFFFFF  # pushers of customers hold it exclusively, a pull shares it (no change_seq skipped)
CUSTOMER_FIELDS = ("name", "company", "email", "phone", "address", "notes")
DRAFT_HASH_SKIP = ("id", "created_at")
KINDS_UP = ("customers", "quotes", "drafts", "orders")
KINDS_DOWN = ("customers", "price_lists", "price_rows", "approver_keys", "policies", "models", "branding")


@dataclass
class SyncResult:
    pushed: dict = field(default_factory=lambda: dict.fromkeys(KINDS_UP, 0))
    pulled: dict = field(default_factory=lambda: dict.fromkeys(KINDS_DOWN, 0))
    conflicts: int = 0
    refused: list = field(default_factory=list)  # one line per revision or item the server would not take
    server_time: str = ""
    clock_offset_s: float = 0.0
    reconciled: bool = False
    price_list_version: int | None = None

    def as_dict(self) -> dict:
        return {"pushed": dict(self.pushed), "pulled": dict(self.pulled), "conflicts": self.conflicts,
                "refused": list(self.refused), "server_time": self.server_time,
                "clock_offset_s": round(self.clock_offset_s, 3), "reconciled": self.reconciled,
                "price_list_version": self.price_list_version}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _key(prefix: str, sequence: int, revision: str) -> str:
    return f"{prefix}-{int(sequence)}-{revision}"


class SyncEngine:
    """One sync of one user database (a UserDatabase) with its team server.

    ``catalog_path``: the catalog the pulled price lists are applied to (None: price lists are not pulled).
    ``on_batch(kind, done, total)``: called after each committed batch (progress; the fault tests stop the
    server there). ``clock``: this laptop's clock (tests give a wrong one)."""

    def __init__(self, userdb, catalog_path: Path | None = None, server: str | None = None,
                 batch_size: int = BATCH_SIZE, on_batch: Callable | None = None,
                 clock: Callable[[], datetime] | None = None):
        self.userdb = userdb
        self.db = userdb.db
        self.catalog_path = Path(catalog_path) if catalog_path else None
        self.server = server
        self.batch_size = max(1, int(batch_size))
        self.on_batch = on_batch or (lambda kind, done, total: None)
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.result = SyncResult()

    # -- the whole sync ---------------------------------------------------------------------------------------
    def registration(self) -> local.Registration:
        from configurator.store.installation import binding

        reg = local.registration(self.db)
        if reg is None:
            raise NotRegisteredError("this installation is not registered with a team server: run `configurator "
                                     "team register --server URL --name NAME` first")
        if reg.binding != binding(self.userdb.path):
            raise NotRegisteredError("this user database was copied from a registered installation (another "
                                     "machine or folder): register the copy with `configurator team register` so "
                                     "it numbers quotes apart from the original")
        return reg

    def run(self) -> SyncResult:
        reg = self.registration()
        url = self.server or reg.server
        conn = connect(url, reg.role, reg.password, autocommit=True)
        try:
            with server_errors(url, "syncing"):
                self._run(conn, reg)
        finally:
            conn.close()
        return self.result

    def _run(self, conn, reg: local.Registration) -> None:
        cur = conn.cursor()
        me = cur.execute("select team_installation()").fetchone()[0]
        if me is None or me != reg.installation_id:
            raise TeamServerError(f"the team server does not know this installation as {reg.role} (restored from "
                                  f"a backup older than its registration?): register it again; nothing was changed")
        cur.execute("select pg_advisory_lock(%s)", [LOCK_BASE + me])
        try:
            server_now = cur.execute("select now()").fetchone()[0]
            self.result.server_time = server_now.astimezone(timezone.utc).isoformat(timespec="seconds")
            self.result.clock_offset_s = (server_now - self.clock()).total_seconds()
            mark = cur.execute("select token from sync_marks where installation_id = %s", [me]).fetchone()
            if (mark[0] if mark else None) != local.setting(self.db, local.TOKEN_KEY):
                self._reconcile()
            self.customer_cursor = int(local.setting(self.db, local.CURSOR_KEY) or 0)
            self._push_customers(conn, reg)
            self._push_quotes(conn, reg)
            self._push_drafts(conn, reg)
            self._push_orders(conn, reg)
            self._pull_customers(conn)
            self._pull_prices(conn, reg)
            self._pull_keys_policy_models(conn)
            self._pull_branding(conn)
            with self.db.atomic():
                local.put(self.db, local.LAST_SYNC_KEY, self.result.server_time)
                local.put(self.db, local.OFFSET_KEY, f"{self.result.clock_offset_s:.3f}")
        finally:
            if not conn.closed and not conn.broken:
                cur.execute("select pg_advisory_unlock(%s)", [LOCK_BASE + me])

    def _reconcile(self) -> None:
        """The server does not hold what this laptop last recorded: send everything again."""
        self.result.reconciled = True
        with self.db.atomic():
            self.db.execute("delete from team_pushed")
            self.db.execute("update team_customers set base_json = null")
            local.put(self.db, local.CURSOR_KEY, 0)

    def _batch(self, conn, kind: str, server_step, local_step, done: int, total: int) -> None:
        """One server transaction (with a fresh sync mark), then the local record of it."""
        token = uuid.uuid4().hex
        with conn.transaction(), conn.cursor() as cur:
            server_step(cur)
            cur.execute("insert into sync_marks (token) values (%s) on conflict (installation_id) do update set "
                        "token = excluded.token, at = now()", [token])
        with self.db.atomic():
            local_step()
            local.put(self.db, local.TOKEN_KEY, token)
        self.on_batch(kind, done, total)

    def _chunks(self, items: list):
        for i in range(0, len(items), self.batch_size):
            yield i + len(items[i:i + self.batch_size]), items[i:i + self.batch_size]

    # -- customers up -----------------------------------------------------------------------------------------
    def _push_customers(self, conn, reg) -> None:
        rows = self.db.execute(
            "select c.id, c.name, c.company, c.email, c.phone, c.address, c.notes, t.uid, t.base_json from "
            "customers c left join team_customers t on t.customer_id = c.id order by c.id").fetchall()
        changes = []  # (local id, uid, base dict, changed fields dict, new base)
        new_ids = []
        for cid, *values, uid, base_json in rows:
            now = {f: (v or "") for f, v in zip(CUSTOMER_FIELDS, values)}
            base = json.loads(base_json) if base_json else None
            changed = {f: v for f, v in now.items() if base is None or base.get(f) != v}
            if not changed:
                continue
            if uid is None:
                uid = str(uuid.uuid4())
                new_ids.append((cid, uid))
            changes.append((cid, uid, base or {}, changed, now))
        if not changes:
            return
        if new_ids:  # a server id for each new customer, before it is sent (a lost reply resends the same one)
            with self.db.atomic():
                self.db.conn.executemany("insert into team_customers (customer_id, uid, base_json) values (?, ?, null)",
                                         new_ids)
        for done, chunk in self._chunks(changes):
            def server(cur, chunk=chunk):
                cur.execute("select pg_advisory_xact_lock(%s)", [CUSTOMER_LOCK])
                n = cur.execute(
                    "select coalesce(sum(team_push_customer(u, b, n)), 0) from unnest(%s::uuid[], %s::jsonb[], "
                    "%s::jsonb[]) as t(u, b, n)",
                    [[c[1] for c in chunk], [json.dumps(c[2]) for c in chunk], [json.dumps(c[3]) for c in chunk]]
                ).fetchone()[0]
                self.result.conflicts += int(n)

            def record(chunk=chunk):
                self.db.conn.executemany("update team_customers set base_json = ? where customer_id = ?",
                                         [(json.dumps(c[4], sort_keys=True), c[0]) for c in chunk])

            self._batch(conn, "customers", server, record, done, len(changes))
            self.result.pushed["customers"] += len(chunk)

    # -- issued revisions up ----------------------------------------------------------------------------------
    def _push_quotes(self, conn, reg) -> None:
        cursor = self.db.execute(
            "select q.* from quotes q left join team_pushed p on p.kind = 'quote' and p.key = q.prefix || '-' || "
            "q.sequence || '-' || q.revision and p.hash = q.content_hash where q.status = 'issued' and p.key is null "
            "order by q.id")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor.fetchall()]
        if not rows:
            return
        uids = dict(self.db.execute("select customer_id, uid from team_customers").fetchall())
        version = self._applied_version()
        for done, chunk in self._chunks(rows):
            accepted: list[tuple] = []

            def server(cur, chunk=chunk, accepted=accepted):
                params = []
                for r in chunk:
                    content = {k: v for k, v in r.items() if k != "id"}
                    price = _json(r.get("price_json"))
                    total = price.get("total") if isinstance(price, dict) else None
                    params.append((r["prefix"], r["sequence"], r["revision"], uids.get(r["customer_id"]),
                                   json.dumps(content), r["content_hash"] or "", r["previous_hash"] or "",
                                   r["issued_at"], r["currency"], Decimal(total) if total else None, version))
                cur.executemany(
                    "insert into quote_revisions (prefix, sequence, revision, customer_uid, content, content_hash, "
                    "previous_hash, issued_at, currency, total, price_list_version) values (%s, %s, %s, %s, %s, %s, "
                    "%s, %s, %s, %s, %s) on conflict (prefix, sequence, revision) do nothing", params)
                held = {(p, s, v): h for p, s, v, h in cur.execute(
                    "select prefix, sequence, revision, content_hash from quote_revisions where (prefix, sequence, "
                    "revision) in (select * from unnest(%s::text[], %s::int[], %s::text[]))",
                    [[r["prefix"] for r in chunk], [r["sequence"] for r in chunk], [r["revision"] for r in chunk]])}
                for r in chunk:
                    k = (r["prefix"], r["sequence"], r["revision"])
                    if held.get(k) == (r["content_hash"] or ""):
                        accepted.append((_key(*k), r["content_hash"] or ""))
                    else:  # the server holds another revision under this number: issued revisions never change
                        self.result.refused.append(f"Q-{k[0]}-{k[1]:05d}-{k[2]}: the server holds a different "
                                                   f"revision under this number; this one was not sent")

            def record(accepted=accepted):
                now = _now()
                self.db.conn.executemany(
                    "insert into team_pushed (kind, key, hash, pushed_at) values ('quote', ?, ?, ?) on conflict "
                    "(kind, key) do update set hash = excluded.hash, pushed_at = excluded.pushed_at",
                    [(k, h, now) for k, h in accepted])

            self._batch(conn, "quotes", server, record, done, len(rows))
            self.result.pushed["quotes"] += len(accepted)

    def _applied_version(self) -> int | None:
        row = self.db.execute("select version from team_price_lists order by applied_at desc, version desc "
                              "limit 1").fetchone()
        return row[0] if row else None

    # -- drafts up --------------------------------------------------------------------------------------------
    def _push_drafts(self, conn, reg) -> None:
        cursor = self.db.execute("select * from quotes where status = 'draft' order by id")
        names = [d[0] for d in cursor.description]
        drafts = []
        for r in cursor.fetchall():
            row = dict(zip(names, r))
            content = {k: v for k, v in row.items() if k not in DRAFT_HASH_SKIP}
            text = json.dumps(content, sort_keys=True, default=str)
            drafts.append((_key(row["prefix"], row["sequence"], row["revision"]), row, text,
                           hashlib.sha256(text.encode("utf-8")).hexdigest()))
        pushed = dict(self.db.execute("select key, hash from team_pushed where kind = 'draft'").fetchall())
        todo = [d for d in drafts if pushed.get(d[0]) != d[3]]
        gone = sorted(set(pushed) - {d[0] for d in drafts})  # issued or deleted here since: no longer a draft
        if not todo and not gone:
            return
        keep = [d[0] for d in drafts]
        chunks = list(self._chunks(todo)) or [(0, [])]
        for i, (done, chunk) in enumerate(chunks):
            def server(cur, chunk=chunk, first=(i == 0)):
                if first:
                    cur.execute("delete from quote_drafts where installation_id = team_installation() and "
                                "(prefix || '-' || sequence || '-' || revision) <> all(%s::text[])", [keep])
                cur.executemany(
                    "insert into quote_drafts (prefix, sequence, revision, content, content_hash) values (%s, %s, %s, "
                    "%s, %s) on conflict (installation_id, prefix, sequence, revision) do update set content = "
                    "excluded.content, content_hash = excluded.content_hash, updated_at = now()",
                    [(d[1]["prefix"], d[1]["sequence"], d[1]["revision"], d[2], d[3]) for d in chunk])

            def record(chunk=chunk, first=(i == 0)):
                if first and gone:
                    self.db.conn.executemany("delete from team_pushed where kind = 'draft' and key = ?",
                                             [(k,) for k in gone])
                now = _now()
                self.db.conn.executemany(
                    "insert into team_pushed (kind, key, hash, pushed_at) values ('draft', ?, ?, ?) on conflict "
                    "(kind, key) do update set hash = excluded.hash, pushed_at = excluded.pushed_at",
                    [(d[0], d[3], now) for d in chunk])

            self._batch(conn, "drafts", server, record, done, len(todo))
            self.result.pushed["drafts"] += len(chunk)

    # -- orders up --------------------------------------------------------------------------------------------
    def _push_orders(self, conn, reg) -> None:
        rows = self.db.execute(
            "select o.prefix, o.sequence, o.revision from team_orders o join team_pushed q on q.kind = 'quote' and "
            "q.key = o.prefix || '-' || o.sequence || '-' || o.revision left join team_pushed p on p.kind = 'order' "
            "and p.key = q.key where p.key is null order by o.marked_at").fetchall()
        if not rows:
            return
        if reg.edition != "internal":
            self.result.refused += [f"Q-{p}-{s:05d}-{r}: a customer-edition installation does not send orders"
                                    for p, s, r in rows]
            return
        for done, chunk in self._chunks(rows):
            def server(cur, chunk=chunk):
                cur.executemany("insert into orders (prefix, sequence, revision) values (%s, %s, %s) on conflict do "
                                "nothing", [tuple(r) for r in chunk])

            def record(chunk=chunk):
                now = _now()
                self.db.conn.executemany(
                    "insert into team_pushed (kind, key, hash, pushed_at) values ('order', ?, '', ?) on conflict "
                    "(kind, key) do nothing", [(_key(*r), now) for r in chunk])

            self._batch(conn, "orders", server, record, done, len(rows))
            self.result.pushed["orders"] += len(chunk)

    # -- customers down ---------------------------------------------------------------------------------------
    def _pull_customers(self, conn) -> None:
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("select pg_advisory_xact_lock_shared(%s)", [CUSTOMER_LOCK])
            rows = cur.execute(
                "select uid::text, name, company, email, phone, address, notes, change_seq from customers where "
                "change_seq > %s order by change_seq", [self.customer_cursor]).fetchall()
        if not rows:
            return
        mapped = {uid: (cid, base) for cid, uid, base in
                  self.db.execute("select customer_id, uid, base_json from team_customers").fetchall()}
        now = _now()
        changed = 0
        with self.db.atomic():
            for uid, *values, seq in rows:
                server = dict(zip(CUSTOMER_FIELDS, values))
                if uid not in mapped:
                    cid = self.db.execute(
                        "insert into customers (name, company, email, phone, address, notes, created_at, updated_at) "
                        "values (?, ?, ?, ?, ?, ?, ?, ?)", [*values, now, now]).lastrowid
                    self.db.execute("insert into team_customers (customer_id, uid, base_json) values (?, ?, ?)",
                                    [cid, uid, json.dumps(server, sort_keys=True)])
                    changed += 1
                    continue
                cid, base_json = mapped[uid]
                base = json.loads(base_json) if base_json else {}
                here = self.db.execute(f"select {', '.join(CUSTOMER_FIELDS)} from customers where id = ?",
                                       [cid]).fetchone()
                if here is None:
                    continue  # deleted on this laptop
                mine = dict(zip(CUSTOMER_FIELDS, (v or "" for v in here)))
                # a field edited here since the last sync keeps the local value (it is pushed at the next sync)
                update = {f: v for f, v in server.items() if mine[f] == base.get(f, mine[f]) and mine[f] != v}
                if update:
                    sets = ", ".join(f"{f} = ?" for f in update)
                    self.db.execute(f"update customers set {sets}, updated_at = ? where id = ?",
                                    [*update.values(), now, cid])
                    changed += 1
                new_base = {f: (server[f] if mine[f] == base.get(f, mine[f]) else base.get(f)) for f in CUSTOMER_FIELDS}
                self.db.execute("update team_customers set base_json = ? where customer_id = ?",
                                [json.dumps(new_base, sort_keys=True), cid])
            self.customer_cursor = rows[-1][-1]
            local.put(self.db, local.CURSOR_KEY, self.customer_cursor)
        self.result.pulled["customers"] += changed

    # -- price lists down -------------------------------------------------------------------------------------
    def _pull_prices(self, conn, reg) -> None:
        if self.catalog_path is None:
            return
        with conn.transaction(), conn.cursor() as cur:
            newest = cur.execute("select version, published_at, effective_date, currency, row_count from price_lists "
                                 "where effective_date <= current_date order by effective_date desc, published_at "
                                 "desc, version desc limit 1").fetchone()
            if newest is None:
                return
            version, published_at, effective, currency, count = newest
            published = published_at.astimezone(timezone.utc).isoformat()
            have = self.db.execute("select 1 from team_price_lists where version = ? and published_at = ? and "
                                   "applied_at = (select max(applied_at) from team_price_lists)",
                                   [version, published]).fetchone()
            if have:
                return
            cost_column = "cost" if reg.edition == "internal" else "null"  # a customer role cannot read cost
            rows = cur.execute(f"select part_id, list_price, {cost_column}, currency from price_list_rows where "
                               f"version = %s order by part_id", [version]).fetchall()
        applied = self._apply_prices(rows)
        with self.db.atomic():
            self.db.execute("insert into team_price_lists (version, published_at, effective_date, currency, rows, "
                            "applied_at) values (?, ?, ?, ?, ?, ?) on conflict (version, published_at) do update set "
                            "applied_at = excluded.applied_at, rows = excluded.rows",
                            [version, published, effective.isoformat(), currency, applied,
                             datetime.now(timezone.utc).isoformat()])
        self.result.pulled["price_lists"] += 1
        self.result.pulled["price_rows"] += applied
        self.result.price_list_version = version

    def _apply_prices(self, rows) -> int:
        """Apply a publication to the catalog (the parts it knows); returns the rows applied. Idempotent: a sync
        that stops after this and before its record applies the same rows again."""
        import sqlite3

        from configurator.catalog import schema as catalog_schema
        from configurator.catalog.prices import PriceRow, apply_rows, open_for_writing
        from configurator.core.database_errors import describe

        try:
            db = open_for_writing(self.catalog_path)
            try:
                known = dict(db.conn.execute("select id, currency from prices"))
                costs = catalog_schema.COST_TABLE in db.table_names()
                use = [PriceRow(pid, Decimal(price), Decimal(cost) if cost is not None and costs else None,
                                cur or known[pid]) for pid, price, cost, cur in rows if pid in known]
                if use:
                    apply_rows(db, use)
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise describe(exc, self.catalog_path, "parts catalog", "applying the team price list") from None
        return len(use)

    # -- keys, policy, models down ----------------------------------------------------------------------------
    def _pull_keys_policy_models(self, conn) -> None:
        from configurator.core.errors import ConfiguratorError
        from configurator.store.quotes import POLICY_KEY, QuoteStore

        with conn.transaction(), conn.cursor() as cur:
            keys = [r[0] for r in cur.execute("select public_key from approver_keys order by published_at")]
            policy = cur.execute("select token from policies where installation_id = team_installation()").fetchone()
            models = cur.execute("select id, arch_json from models order by id").fetchall()
        store = QuoteStore(self.db)
        trusted = set(store.trusted_keys())
        for k in keys:
            if k not in trusted:
                store.trust(k)
                self.result.pulled["approver_keys"] += 1
        if policy and policy[0] != local.setting(self.db, POLICY_KEY):
            try:
                store.set_policy(policy[0])
                self.result.pulled["policies"] += 1
            except ConfiguratorError as exc:
                self.result.refused.append(f"the installation policy from the server: {' '.join(str(exc).split())}")
        if models:
            from configurator.core.buildfile.models import arch_from_json

            have = dict(self.db.execute("select id, arch_json from imported_models").fetchall())
            for mid, text in models:
                if _json(have.get(mid)) == _json(text):
                    continue
                try:
                    self.userdb.save_imported_model(arch_from_json(text, f"model '{mid}' from the team server"),
                                                    "team server")
                    self.result.pulled["models"] += 1
                except ConfiguratorError as exc:
                    self.result.refused.append(" ".join(str(exc).split()))


    # -- the office's letterhead down ---------------------------------------------------------------------------
    def _pull_branding(self, conn) -> None:
        """The letterhead the office published, written into this laptop's branding when its publication differs
        from the one last applied here. The office decides the letterhead: a publication replaces what this
        laptop had; an edit made here afterwards stays until the office publishes again."""
        from configurator.core.errors import ConfiguratorError
        from configurator.store.branding import FIELDS, BrandingRecord, BrandingStore

        with conn.transaction(), conn.cursor() as cur:
            if cur.execute("select to_regclass('branding')").fetchone()[0] is None:
                return  # a server not yet upgraded to m003_branding (team init applies it)
            row = cur.execute("select fields, logo, logo_name, published_at from branding where id = 1").fetchone()
        if row is None:
            return
        fields, logo, logo_name, published_at = row
        published = published_at.astimezone(timezone.utc).isoformat()
        if published == local.setting(self.db, local.BRANDING_KEY):
            return
        data = {k: v for k, v in (fields or {}).items() if k in FIELDS} if isinstance(fields, dict) else None
        if data is None or not all(isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
                                   for v in data.values()):
            self.result.refused.append(f"the letterhead published {published}: its fields are not text; the "
                                       f"branding here was kept")
            return
        try:
            with self.db.atomic():
                BrandingStore(self.db).save(BrandingRecord(data, bytes(logo) if logo else None, logo_name or ""))
                local.put(self.db, local.BRANDING_KEY, published)
        except ConfiguratorError as exc:
            self.result.refused.append(f"the letterhead published {published}: {' '.join(str(exc).split())}")
            return
        self.result.pulled["branding"] += 1


def _json(text):
    if not text:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def mark_won(userdb, label: str) -> str:
    """Record a quote revision as won (an order for the shop), sent at the next sync; returns its label."""
    from configurator.core.quotes.model import ISSUED, QuoteError
    from configurator.store.quotes import QuoteStore

    quote = QuoteStore(userdb.db).get(label, genuine=True)
    if quote.status != ISSUED:
        raise QuoteError(f"quote {quote.label} is a draft: issue it before marking it won")
    with userdb.db.atomic():
        userdb.db.execute("insert into team_orders (prefix, sequence, revision, marked_at) values (?, ?, ?, ?) on "
                          "conflict do nothing", [quote.prefix, quote.sequence, quote.revision, _now()])
    return quote.label
