"""`configurator team init|register|publish-prices|publish-key|publish-policy|publish-model|publish-branding|won`: the team server (docs/team-server.md).

- ``team init --server URL``: create or upgrade the server schema (an account that owns the database)
- ``team register --server URL --name NAME [--edition internal|customer]``: register this installation; prints
  the quote-number prefix the server assigned. The server (without credentials) is remembered; the
  installation logs in as its own role from then on.
- ``team publish-prices FILE.csv --server URL [--effective YYYY-MM-DD]``: publish a price list (the
  import-prices format), every row or none
- ``team publish-key PUBLIC_KEY --server URL``: an approver's key every installation trusts at its next sync
- ``team publish-policy --installation NAME TOKEN --server URL``: a signed policy for one installation
- ``team publish-model ID --server URL``: a model imported here (catalog import-model), for every installation
- ``team publish-branding --server URL``: this installation's letterhead (saved in its user database, no
  placeholder left) as the office's: every installation prints it from its next sync on
- ``team won Q-XXXX-00042-B``: mark an issued revision won (an order for the shop), sent at the next sync

URL is a libpq connection string or a postgresql:// URL (sslmode and the other libpq settings pass through).
Exit 2 with one line when the server cannot be reached or refuses; nothing local changes then.
"""

from __future__ import annotations

from pathlib import Path

from configurator.core.errors import ConfiguratorError


def register(sub) -> None:
    p = sub.add_parser("team", help="the team server: init, register, publish-prices/-key/-policy/-model/-branding, won")
    team = p.add_subparsers(dest="team_command", metavar="ACTION", parser_class=type(p))
    team.required = True
    init = team.add_parser("init", help="create or upgrade the team server schema")
    init.add_argument("--server", required=True, metavar="URL")
    init.set_defaults(func=run_init)
    reg = team.add_parser("register", help="register this installation; prints its quote-number prefix")
    reg.add_argument("--server", required=True, metavar="URL")
    reg.add_argument("--name", required=True, metavar="NAME", help="who or where this installation is")
    reg.add_argument("--edition", choices=("internal", "customer"), default=None,
                     help="what the server lets it see (default: this installation's edition)")
    reg.set_defaults(func=run_register)
    pub = team.add_parser("publish-prices", help="publish a price list (all rows or none)")
    pub.add_argument("file", type=Path, metavar="FILE.csv")
    pub.add_argument("--server", required=True, metavar="URL")
    pub.add_argument("--effective", default=None, metavar="YYYY-MM-DD", help="first day it applies (default: today)")
    pub.set_defaults(func=run_publish_prices)
    key = team.add_parser("publish-key", help="publish an approver's public key to every installation")
    key.add_argument("public_key", metavar="PUBLIC_KEY")
    key.add_argument("--server", required=True, metavar="URL")
    key.set_defaults(func=run_publish_key)
    pol = team.add_parser("publish-policy", help="publish a signed installation policy")
    pol.add_argument("token", metavar="TOKEN")
    pol.add_argument("--installation", required=True, metavar="NAME", help="its name or quote-number prefix")
    pol.add_argument("--server", required=True, metavar="URL")
    pol.set_defaults(func=run_publish_policy)
    model = team.add_parser("publish-model", help="publish a model imported here to every installation")
    model.add_argument("model_id", metavar="ID", help="an imported model (configurator catalog import-model)")
    model.add_argument("--server", required=True, metavar="URL")
    model.set_defaults(func=run_publish_model)
    brand = team.add_parser("publish-branding", help="publish this installation's letterhead to every installation")
    brand.add_argument("--server", required=True, metavar="URL")
    brand.set_defaults(func=run_publish_branding)
    won = team.add_parser("won", help="mark an issued quote revision won: an order for the shop")
    won.add_argument("quote", metavar="Q-XXXX-NNNNN-R")
    won.set_defaults(func=run_won)


def run_init(args) -> int:
    from configurator.team.admin import init_server
    from configurator.team.connection import where

    applied, version = init_server(args.server)
    done = f"applied {', '.join(applied)}" if applied else "already up to date"
    print(f"team server {where(args.server)}: schema {version} ({done})")
    return 0


def run_register(args) -> int:
    from configurator.paths import edition as installed_edition
    from configurator.store.userdb import UserDatabase, user_database_path
    from configurator.team.admin import register

    mine = installed_edition()
    wanted = args.edition or mine
    if mine != "internal" and wanted == "internal":
        raise ConfiguratorError("this is the customer edition: it registers as a customer-edition installation")
    userdb = UserDatabase(user_database_path())
    try:
        reg = register(userdb, args.server, args.name, wanted)
        from configurator.store.quotes import QuoteStore

        prefix = QuoteStore(userdb.db).installation_prefix()
    finally:
        userdb.close()
    print(prefix)
    print(f"registered '{reg.name}' ({reg.edition} edition) as {reg.role}; quotes are numbered Q-{prefix}-NNNNN")
    return 0


def run_publish_prices(args) -> int:
    from datetime import date

    from configurator.catalog.locate import ensure_catalog
    from configurator.team.admin import publish_prices

    effective = None
    if args.effective:
        try:
            effective = date.fromisoformat(args.effective)
        except ValueError:
            raise ConfiguratorError(f"--effective '{args.effective}' is not a date YYYY-MM-DD") from None
    pub = publish_prices(args.server, args.file, ensure_catalog(), effective)
    from configurator.present import count

    print(f"published price list {pub.version} ({count(pub.rows, 'row')}), effective {pub.effective_date}")
    return 0


def run_publish_key(args) -> int:
    from configurator.team.admin import publish_key

    print(f"published approver key {publish_key(args.server, args.public_key)}")
    return 0


def run_publish_policy(args) -> int:
    from configurator.team.admin import publish_policy

    publish_policy(args.server, args.installation, args.token)
    print(f"published the policy of '{args.installation}'; it is stored at its next sync")
    return 0


def run_publish_model(args) -> int:
    from configurator.store.userdb import UserDatabase, user_database_path
    from configurator.team.admin import publish_model

    userdb = UserDatabase(user_database_path())
    try:
        arch = userdb.imported_model(args.model_id)
    finally:
        userdb.close()
    if arch is None:
        raise ConfiguratorError(f"no imported model '{args.model_id}' in this installation (configurator catalog "
                                f"import-model CONFIG.json first)")
    print(f"published model {publish_model(args.server, arch)}")
    return 0


def run_publish_branding(args) -> int:
    from configurator.export.branding import from_record, placeholders
    from configurator.store.branding import read_branding
    from configurator.store.userdb import user_database_path
    from configurator.team.admin import publish_branding
    from configurator.team.connection import where

    record = read_branding(user_database_path())  # read only: publishing changes nothing here
    if record is None:
        raise ConfiguratorError("this installation has no branding saved (Tools > Company branding in the window): "
                                "nothing was published")
    missing = placeholders(from_record(record))
    if missing:
        raise ConfiguratorError(f"the branding saved here still has placeholders ({', '.join(missing)}): complete "
                                f"it in Tools > Company branding; nothing was published")
    published_at = publish_branding(args.server, record)
    print(f"published the letterhead of {from_record(record).company} to {where(args.server)} at {published_at}; "
          f"every installation prints it from its next sync")
    return 0


def run_won(args) -> int:
    from configurator.store.userdb import UserDatabase, user_database_path
    from configurator.team.engine import mark_won

    userdb = UserDatabase(user_database_path())
    try:
        label = mark_won(userdb, args.quote)
    finally:
        userdb.close()
    print(f"{label} marked won: the shop sees it after the next sync")
    return 0
