"""What the user database keeps about the team server: the registration (server, own role, prefix) in
``settings``, and the sync tables of migration m009 (store/userdb.py): team_pushed, team_customers,
team_price_lists, team_orders."""

from __future__ import annotations

from dataclasses import dataclass

SERVER_KEY = "team_server"  # the server URL without credentials
ROLE_KEY = "team_role"
PASSWORD_KEY = "team_password"  # the installation's own role's password (it can do what this laptop may)
INSTALLATION_KEY = "team_installation"  # the server's id of this installation
EDITION_KEY = "team_edition"
NAME_KEY = "team_name"
BINDING_KEY = "team_binding"  # the user database's binding when registered: a copy must register again
TOKEN_KEY = "team_sync_token"  # the sync mark last written on the server (schema.sync_marks)
CURSOR_KEY = "team_customer_cursor"  # the highest customer change_seq pulled
LAST_SYNC_KEY = "team_last_sync_at"  # server time of the last finished sync
OFFSET_KEY = "team_clock_offset_s"  # server time minus this laptop's clock at the last sync, seconds
BRANDING_KEY = "team_branding_published_at"  # the server's published_at of the letterhead last applied here
ALL_KEYS = (SERVER_KEY, ROLE_KEY, PASSWORD_KEY, INSTALLATION_KEY, EDITION_KEY, NAME_KEY, BINDING_KEY, TOKEN_KEY,
            CURSOR_KEY, LAST_SYNC_KEY, OFFSET_KEY, BRANDING_KEY)


@dataclass(frozen=True)
class Registration:
    server: str
    role: str
    password: str
    installation_id: int
    edition: str
    name: str
    binding: str


def setting(db, key: str) -> str | None:
    row = db.execute("select value from settings where key = ?", [key]).fetchone()
    return row[0] if row else None


def put(db, key: str, value) -> None:
    """Upsert one setting (the caller holds the transaction)."""
    db.execute("insert into settings (key, value) values (?, ?) on conflict(key) do update set value = excluded.value",
               [key, str(value)])


def registration(db) -> Registration | None:
    values = {k: setting(db, k) for k in (SERVER_KEY, ROLE_KEY, PASSWORD_KEY, INSTALLATION_KEY, EDITION_KEY,
                                          NAME_KEY, BINDING_KEY)}
    if not values[SERVER_KEY] or not values[ROLE_KEY] or not values[INSTALLATION_KEY]:
        return None
    return Registration(values[SERVER_KEY], values[ROLE_KEY], values[PASSWORD_KEY] or "",
                        int(values[INSTALLATION_KEY]), values[EDITION_KEY] or "internal", values[NAME_KEY] or "",
                        values[BINDING_KEY] or "")


def last_sync(db) -> str | None:
    return setting(db, LAST_SYNC_KEY)


def marked_won(db) -> list[tuple[str, int, str]]:
    return [tuple(r) for r in db.execute("select prefix, sequence, revision from team_orders order by marked_at")]
