"""The team server's schema, under migrations of its own (table ``team_migrations``), applied by
``configurator team init`` in one transaction under an advisory lock (two inits at once apply each step once).

Who sees what is enforced by the server, never by the app: each installation logs in as its own role
(``<db>_i<N>``), a member of ``<db>_internal`` or ``<db>_customer``; the office publishes as a member of
``<db>_office`` (or the database owner). Group roles carry the database's name because roles belong to the
whole PostgreSQL cluster and one cluster may hold several team databases.

- Column grants: a customer-edition role may read a price list's list prices, never its ``cost`` column.
- Row-level security: an installation writes only rows of its own (quotes, drafts, orders, sync marks); a
  customer-edition installation also reads only its own quotes and customers; internal installations read all.
- Functions ``team_installation()``/``team_owns_prefix()`` (SECURITY DEFINER) answer "who am I" without
  letting a customer read the installations table; ``team_push_customer`` merges a customer field by field.
- An issued revision is immutable on the server too: a trigger refuses UPDATE of ``quote_revisions``.
- The office's letterhead (``branding``, m003) is readable by every installation, writable by the office only.
"""

from __future__ import annotations

import re

LOCK_KEY = 0x7EA15E27  # pg_advisory_xact_lock key of schema changes (any constant: it names this lock)
GROUPS = ("internal", "customer", "office")


def group_role(dbname: str, group: str) -> str:
    return f"{_safe(dbname)}_{group}"


def installation_role(dbname: str, installation_id: int) -> str:
    return f"{_safe(dbname)}_i{installation_id}"


def _safe(dbname: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", dbname.lower())[:40]


def _m001(g: dict) -> str:
    return f"""
create table installations (
    id bigserial primary key,
    local_id text not null unique,          -- the laptop's own installation id (store/quotes.py)
    name text not null,
    edition text not null check (edition in ('internal', 'customer')),
    role_name text not null unique,
    prefix text not null unique,            -- the quote-number prefix the server assigned
    registered_at timestamptz not null default now()
);
-- Every prefix an installation numbers quotes with (the assigned one and any it used before registering):
-- a prefix belongs to one installation, so two installations never issue the same number.
create table prefixes (
    prefix text primary key,
    installation_id bigint not null references installations(id),
    claimed_at timestamptz not null default now()
);

create function team_installation() returns bigint language sql stable security definer
    set search_path = public, pg_temp as $$ select id from installations where role_name = session_user $$;
create function team_owns_prefix(p text) returns boolean language sql stable security definer
    set search_path = public, pg_temp as
    $$ select exists(select 1 from prefixes where prefix = p and installation_id = team_installation()) $$;

create sequence change_seq;
create table customers (
    uid uuid primary key,
    installation_id bigint not null references installations(id),  -- the installation that created it
    name text not null default '', company text not null default '', email text not null default '',
    phone text not null default '', address text not null default '', notes text not null default '',
    field_at jsonb not null default '{{}}',  -- field -> server time of its last change
    field_by jsonb not null default '{{}}',  -- field -> installation that made it
    change_seq bigint not null default nextval('change_seq'),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index customers_change_seq on customers (change_seq);
create table customer_conflicts (
    id bigserial primary key,
    customer_uid uuid not null references customers(uid),
    field text not null,
    kept_value text, lost_value text,
    lost_by bigint references installations(id), lost_at timestamptz,
    won_by bigint references installations(id),
    decided_at timestamptz not null default now()
);

-- Issued quote revisions: immutable, keyed by number and revision (they merge without conflict).
create table quote_revisions (
    prefix text not null, sequence integer not null, revision text not null,
    installation_id bigint not null default team_installation() references installations(id),
    customer_uid uuid,
    content jsonb not null,                 -- every stored column of the revision (its seal covers them)
    content_hash text not null, previous_hash text not null default '',
    issued_at text, currency text, total numeric(16, 2),
    price_list_version bigint,              -- the price list the laptop had applied when it pushed
    pushed_at timestamptz not null default now(),
    primary key (prefix, sequence, revision)
);
create function quote_revisions_immutable() returns trigger language plpgsql as
    $$ begin raise exception 'issued quote revision %-%-% is immutable', old.prefix, old.sequence, old.revision
       using errcode = '42501'; end $$;
create trigger quote_revisions_immutable before update on quote_revisions
    for each row execute function quote_revisions_immutable();

-- Drafts: work in progress, one row per installation and revision; a laptop's draft never replaces another's.
create table quote_drafts (
    installation_id bigint not null default team_installation() references installations(id),
    prefix text not null, sequence integer not null, revision text not null,
    content jsonb not null, content_hash text not null,
    updated_at timestamptz not null default now(),
    primary key (installation_id, prefix, sequence, revision)
);

-- Quotes marked won: what the shop builds (its build sheet is the revision's build).
create table orders (
    prefix text not null, sequence integer not null, revision text not null,
    installation_id bigint not null default team_installation() references installations(id),
    marked_at timestamptz not null default now(),
    primary key (prefix, sequence, revision),
    foreign key (prefix, sequence, revision) references quote_revisions
);

-- Published price lists: versioned, dated, all rows or none (publish-prices writes one in one transaction).
create table price_lists (
    version bigserial primary key,
    published_at timestamptz not null default now(),
    effective_date date not null default current_date,
    currency text,
    row_count integer not null,
    source text not null default ''
);
create table price_list_rows (
    version bigint not null references price_lists(version),
    part_id text not null,
    list_price numeric(14, 2) not null,
    cost numeric(14, 2),                    -- dealer cost: never readable by a customer-edition role
    currency text,
    primary key (version, part_id)
);
create table approver_keys (public_key text primary key, key_id text not null,
                            published_at timestamptz not null default now());
create table policies (installation_id bigint primary key references installations(id), token text not null,
                       published_at timestamptz not null default now());
create table models (id text primary key, arch_json text not null, published_at timestamptz not null default now());
-- The mark of an installation's last finished push step: a laptop whose mark the server does not hold was
-- synced with a server restored from an older backup (or lost its own reply) and sends everything again.
create table sync_marks (installation_id bigint primary key default team_installation() references installations(id),
                         token text not null, at timestamptz not null default now());

-- Field-by-field merge of one customer pushed by the calling installation: the later edit by server time wins,
-- the value it replaces is kept in customer_conflicts when it was not the one the laptop started from.
create function team_push_customer(p_uid uuid, p_base jsonb, p_new jsonb) returns integer language plpgsql
    security definer set search_path = public, pg_temp as $$
declare
    me bigint := team_installation();
    my_edition text;
    cur_row jsonb;
    owner bigint;
    f text; cur text; val text;
    conflicts integer := 0;
begin
    if me is null then
        raise exception 'role % is not a registered installation', session_user using errcode = '42501';
    end if;
    select edition into my_edition from installations where id = me;
    select to_jsonb(c), c.installation_id into cur_row, owner from customers c where uid = p_uid for update;
    if cur_row is null then
        insert into customers (uid, installation_id, name, company, email, phone, address, notes, field_at, field_by)
        values (p_uid, me, coalesce(p_new->>'name', ''), coalesce(p_new->>'company', ''),
                coalesce(p_new->>'email', ''), coalesce(p_new->>'phone', ''), coalesce(p_new->>'address', ''),
                coalesce(p_new->>'notes', ''),
                coalesce((select jsonb_object_agg(k, now()) from jsonb_object_keys(p_new) k), '{{}}'),
                coalesce((select jsonb_object_agg(k, me) from jsonb_object_keys(p_new) k), '{{}}'));
        return 0;
    end if;
    if my_edition <> 'internal' and owner <> me then
        raise exception 'customer % belongs to another installation', p_uid using errcode = '42501';
    end if;
    for f in select jsonb_object_keys(p_new) loop
        if f not in ('name', 'company', 'email', 'phone', 'address', 'notes') then continue; end if;
        val := coalesce(p_new->>f, '');
        cur := cur_row->>f;
        if cur is not distinct from val then continue; end if;
        if (p_base->>f) is distinct from cur then
            insert into customer_conflicts (customer_uid, field, kept_value, lost_value, lost_by, lost_at, won_by)
            values (p_uid, f, val, cur, (cur_row->'field_by'->>f)::bigint, (cur_row->'field_at'->>f)::timestamptz, me);
            conflicts := conflicts + 1;
        end if;
        execute format('update customers set %I = $1, field_at = jsonb_set(field_at, array[$2], to_jsonb(now())), '
                       'field_by = jsonb_set(field_by, array[$2], to_jsonb($3)), '
                       'change_seq = nextval(''change_seq''), updated_at = now() where uid = $4', f)
            using val, f, me, p_uid;
    end loop;
    return conflicts;
end $$;

revoke all on all tables in schema public from public;
revoke all on function team_installation(), team_owns_prefix(text), team_push_customer(uuid, jsonb, jsonb)
    from public;
grant execute on function team_installation(), team_owns_prefix(text), team_push_customer(uuid, jsonb, jsonb)
    to {g['internal']}, {g['customer']};

-- internal installations: read everything but other installations' drafts and policies; write their own rows
grant select (id, name, edition, prefix, registered_at) on installations to {g['internal']};
grant select on customers, customer_conflicts, quote_revisions, quote_drafts, orders, price_lists,
    price_list_rows, approver_keys, policies, models, sync_marks to {g['internal']};
grant insert on quote_revisions, orders to {g['internal']};
grant insert, update, delete on quote_drafts to {g['internal']};
grant insert, update on sync_marks to {g['internal']};
-- customer-edition installations: their own quotes (their quote requests) and customers, list prices only
grant select, insert on quote_revisions to {g['customer']};
grant select, insert, update, delete on quote_drafts to {g['customer']};
grant select on customers, price_lists, approver_keys, policies, models, sync_marks to {g['customer']};
grant select (version, part_id, list_price, currency) on price_list_rows to {g['customer']};
grant insert, update on sync_marks to {g['customer']};
-- the office: publishes price lists, approver keys, policies and models; reads everything
grant select on all tables in schema public to {g['office']};
grant insert on price_lists, price_list_rows, approver_keys, models to {g['office']};
grant insert, update on policies to {g['office']};
grant usage on all sequences in schema public to {g['office']};

alter table quote_revisions enable row level security;
alter table quote_drafts enable row level security;
alter table customers enable row level security;
alter table orders enable row level security;
alter table policies enable row level security;
alter table sync_marks enable row level security;
create policy read_all on quote_revisions for select to {g['internal']}, {g['office']} using (true);
create policy read_own on quote_revisions for select to {g['customer']} using (installation_id = team_installation());
create policy write_own on quote_revisions for insert to {g['internal']}, {g['customer']}
    with check (installation_id = team_installation() and team_owns_prefix(prefix));
create policy read_all on quote_drafts for select to {g['internal']}, {g['office']} using (true);
create policy own on quote_drafts for all to {g['internal']}, {g['customer']}
    using (installation_id = team_installation()) with check (installation_id = team_installation());
create policy read_all on customers for select to {g['internal']}, {g['office']} using (true);
create policy read_own on customers for select to {g['customer']} using (installation_id = team_installation());
create policy read_all on orders for select to {g['internal']}, {g['office']} using (true);
create policy write_own on orders for insert to {g['internal']} with check (installation_id = team_installation());
create policy own on policies for select to {g['internal']}, {g['customer']} using (installation_id = team_installation());
create policy office on policies for all to {g['office']} using (true) with check (true);
create policy own on sync_marks for all to {g['internal']}, {g['customer']}
    using (installation_id = team_installation()) with check (installation_id = team_installation());
create policy read_all on sync_marks for select to {g['office']} using (true);
"""


def _m002(g: dict) -> str:
    # What the office reads: the quote requests of customer-edition installations (their quotes, issued or
    # draft, with the contact) and the conflict log with the installations' names. Views run as their owner, so
    # only the office is granted them.
    return f"""
create view quote_requests as
    select i.name as installation, q.prefix, q.sequence, q.revision, 'issued' as state,
           q.content->>'customer_json' as contact, q.content->>'build_json' as build_json, q.pushed_at as at
    from quote_revisions q join installations i on i.id = q.installation_id where i.edition = 'customer'
    union all
    select i.name, d.prefix, d.sequence, d.revision, 'draft', d.content->>'customer_json', d.content->>'build_json',
           d.updated_at
    from quote_drafts d join installations i on i.id = d.installation_id where i.edition = 'customer';
create view customer_conflict_log as
    select c.decided_at, cu.name as customer, c.field, c.kept_value, c.lost_value, w.name as kept_from,
           l.name as lost_from, c.lost_at
    from customer_conflicts c join customers cu on cu.uid = c.customer_uid
    left join installations w on w.id = c.won_by left join installations l on l.id = c.lost_by;
revoke all on quote_requests, customer_conflict_log from public;
grant select on quote_requests, customer_conflict_log to {g['office']};
"""


def _m003(g: dict) -> str:
    # The office's published letterhead (one row): what quotes, build sheets and BOMs print on every laptop after
    # its next sync. It is the public letterhead (no cost, no customer), so customer-edition installations read
    # it too; only the office writes it. ``fields`` holds store/branding.py's FIELDS, the logo its file's bytes.
    return f"""
create table branding (
    id integer primary key default 1 check (id = 1),
    fields jsonb not null check (jsonb_typeof(fields) = 'object'),
    logo bytea,
    logo_name text not null default '',
    published_at timestamptz not null default now()
);
revoke all on branding from public;
grant select on branding to {g['internal']}, {g['customer']}, {g['office']};
grant insert, update, delete on branding to {g['office']};
"""


# name -> SQL (formatted with the quoted group-role names). Never edit a step once released: add the next one.
MIGRATIONS = (("m001_team", _m001), ("m002_office_views", _m002), ("m003_branding", _m003))


def ensure_groups(cur, dbname: str) -> dict:
    """Create the group roles when missing; returns group -> quoted role name."""
    from psycopg import sql

    names = {}
    for group in GROUPS:
        role = group_role(dbname, group)
        exists = cur.execute("select 1 from pg_roles where rolname = %s", [role]).fetchone()
        if not exists:
            cur.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))
        names[group] = sql.Identifier(role).as_string(cur.connection)
    return names


def pending(conn) -> list[str]:
    with conn.cursor() as cur:
        have = cur.execute("select to_regclass('team_migrations')").fetchone()[0]
        done = set() if have is None else {r[0] for r in cur.execute("select name from team_migrations")}
    return [name for name, _ in MIGRATIONS if name not in done]


def migrate(conn) -> list[str]:
    """Apply every pending step in one transaction; returns the names applied (empty when up to date)."""
    applied = []
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cur.execute("create table if not exists team_migrations (name text primary key, "
                    "applied_at timestamptz not null default now())")
        dbname = cur.execute("select current_database()").fetchone()[0]
        groups = ensure_groups(cur, dbname)
        done = {r[0] for r in cur.execute("select name from team_migrations")}
        for name, step in MIGRATIONS:
            if name in done:
                continue
            cur.execute(step(groups))
            cur.execute("insert into team_migrations (name) values (%s)", [name])
            applied.append(name)
        cur.execute("revoke all on team_migrations from public")
        cur.execute(f"grant select on team_migrations to {groups['internal']}, {groups['customer']}, "
                    f"{groups['office']}")
    return applied


def current_version(conn) -> str:
    names = [name for name, _ in MIGRATIONS]
    todo = pending(conn)
    done = [n for n in names if n not in todo]
    return done[-1] if done else ""
