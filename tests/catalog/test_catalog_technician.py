"""The technician facts of issue 18 in the catalog: every row sourced, every reference to a part resolving, the
parts a technician meets present and priced, and an older catalog file gaining the new tables and columns."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from configurator.catalog import CatalogRepository, schema
from configurator.catalog.build import build_catalog
from configurator.catalog.sources import CatalogSourceError
from configurator.paths import db_dir


def test_every_fact_row_has_a_source_and_resolves(catalog):
    boards = {p.board for p in catalog.list("platforms") if p.board}
    for row in catalog.list("board_slots"):
        assert row.source.strip() and row.board in boards, row
        assert row.lanes in (1, 2, 4, 8, 16) and (row.lanes_shared is None) == (row.shares_with == ""), row
    platforms = {p.id for p in catalog.list("platforms")}
    assert {r.platform_id for r in catalog.list("memory_speeds")} == platforms  # a speed for every platform
    assert all(r.source.strip() for r in catalog.list("memory_speeds"))
    pcie = {g.id for g in catalog.gpus(sellable_only=True) if g.is_pcie}
    assert {r.gpu_id for r in catalog.list("gpu_fit")} == pcie  # every sellable PCIe card has its connectors
    for fit in catalog.list("gpu_fit"):
        gpu = catalog.gpu(fit.gpu_id)
        assert fit.source.strip() and (fit.nvlink_connectors > 0) == gpu.bridge_capable, fit
        assert fit.conn_12v2x6 + fit.conn_8pin >= 1, fit


def test_host_boards_are_server_platforms_of_the_chassis_sockets(catalog):
    hgx = [ch for ch in catalog.list("chassis") if ch.kind == "hgx"]
    assert hgx and all(ch.host_boards for ch in hgx)
    for ch in hgx:
        for pid in ch.host_boards.split(","):
            p = catalog.platform(pid)
            assert p.segment == "server" and p.sockets == 2 and p.socket in ch.sockets_supported, (ch.id, pid)
    assert [ch.server_airflow for ch in catalog.list("chassis") if ch.kind == "tower"] == [False]
    assert all(ch.server_airflow for ch in catalog.list("chassis") if ch.kind != "tower")


@pytest.mark.parametrize("kind,check", [
    ("memory", lambda m: m.memory_type == "DDR5 UDIMM" and not m.ecc),
    ("memory", lambda m: m.memory_type == "DDR5 UDIMM" and m.ecc),
    ("memory", lambda m: m.memory_type.startswith("DDR4")),
    ("storage", lambda d: d.bay == "e3s"),
    ("storage", lambda d: d.bay == "u2"),
    ("network", lambda n: n.speed_gbps == 100 and n.ports == 1),
    ("network", lambda n: n.speed_gbps == 200 and n.fabric == "infiniband"),
    ("network", lambda n: n.speed_gbps == 400 and n.fabric == "ethernet"),
    ("network", lambda n: n.speed_gbps == 400 and n.fabric == "infiniband"),
    ("network", lambda n: n.speed_gbps == 800),
    ("network", lambda n: n.aggregate_gbps is not None and n.aggregate_gbps < n.ports * n.speed_gbps),
], ids=["udimm", "ecc-udimm", "ddr4", "e3s", "u2", "100gbe", "hdr-200g", "400gbe", "ndr", "xdr", "capped-2x100"])
def test_the_parts_a_technician_meets_are_there_priced_and_sourced(catalog, kind, check):
    hits = [p for p in catalog.list(kind) if check(p)]
    assert hits
    for part in hits:
        assert part.source.strip() and catalog.price(part.id) is not None and catalog.price(part.id).cost is not None


def test_a_bad_cell_in_a_fact_table_fails_the_build_naming_it(tmp_path):
    src = tmp_path / "db"
    shutil.copytree(db_dir(), src)
    path = src / "board_slots.csv"
    path.write_text(path.read_text().replace("PCIEX16(G5)_3,16,", "PCIEX16(G5)_3,x16,", 1))
    with pytest.raises(CatalogSourceError) as err:
        build_catalog(tmp_path / "c.sqlite", source_dir=src)
    assert "board_slots.csv" in str(err.value) and "lanes" in str(err.value)


def test_an_older_catalog_gains_the_fact_tables_and_columns(tmp_path, catalog_path):
    old = tmp_path / "old.sqlite"
    shutil.copy(catalog_path, old)
    con = sqlite3.connect(old)
    for table in ("board_slots", "memory_speeds", "gpu_fit"):
        con.execute(f"drop table {table}")
    con.execute("alter table chassis drop column host_boards")
    con.execute("delete from _sqlite_migrations where name = 'm004_technician_facts'")
    con.commit()
    con.close()
    from sqlite_utils import Database

    db = Database(old)
    schema.apply(db)
    assert {"board_slots", "memory_speeds", "gpu_fit"} <= set(db.table_names())
    assert "host_boards" in db["chassis"].columns_dict
    db.close()
    repo = CatalogRepository(old)
    assert repo.board_slots("msi-meg-x870e-godlike") == [] and repo.chassis("chassis-hgx-b200-8gpu").host_boards == ""
    repo.close()
