"""The team server: one PostgreSQL database an office runs, which offline laptops sync with (Qt-free, psycopg 3).

- schema.py: the server's tables, roles, grants and row-level security, under migrations of their own
- connection.py: connecting (libpq URLs and settings, TLS included), one-line errors
- local.py: what the user database keeps about the team server (settings, push marks, customer ids)
- admin.py: creating the schema, registering an installation (its role and quote-number prefix), publishing
- engine.py: the sync itself (push quotes, customers, drafts, orders; pull price lists, keys, policy, models)

Layer: above store and catalog (it reads and writes the user database and the catalog), below charts/export.
docs/team-server.md says how an office sets up its server.
"""
