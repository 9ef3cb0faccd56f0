"""Fuzzing the price-list loader (hypothesis): whatever the text, ``parse_price_csv`` returns price rows
that satisfy the documented contract, or raises PriceImportError (a ConfiguratorError) whose message is
one non-empty line. Nothing else escapes (csv.Error, decimal errors, IndexError, ...).

Inputs: CSVs built from plausible parts (the real header or a broken one, known and unknown ids, prices
as people and spreadsheets write them, quoting, blank lines, line endings), mutations of a valid price
list, and arbitrary text. ``import_prices`` reads the file with universal newlines; the parser is fed
both that and raw text.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from configurator.catalog.prices import MAX_PRICE, PriceImportError, import_prices, parse_price_csv
from configurator.core.errors import ConfiguratorError

KNOWN = {"h200-sxm", "rtx-pro-6000-maxq", "psu-crps-3000w", "svc-burnin-48h"}
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

headers = st.one_of(
    st.sampled_from(["id,list_price", "id,list_price,cost", "id,list_price,currency", "id,list_price,cost,currency",
                     "ID,List_Price", "list_price,id", "id,list_price,margin", "id,list_price,cost,cost",
                     "id", "", " id , list_price ", "\ufeffid,list_price"]),
    st.text(max_size=20),
)
prices = st.one_of(
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["0", "0.00", "1", "-1", "1.005", "1e3", "1E+400", "1e-999999", "NaN", "sNaN", "Infinity",
                     "-0", "1,000.00", "$100", "100 USD", "", " ", "12.3.4", "0x10", "１２３", "100000000.01",
                     "99999999.99", "1_000", "٣"]),
    st.text(max_size=8),
)
ids = st.one_of(st.sampled_from(sorted(KNOWN)), st.sampled_from(["nope", "", "H200-SXM", "h200-sxm "]), st.text(max_size=10))
currencies = st.one_of(st.sampled_from(["USD", "EUR", "usd", "EURO", "", "€"]), st.text(max_size=4))
cells = st.one_of(ids, prices, currencies)
line_ends = st.sampled_from(["\n", "\r\n", "\r"])


def _quote(cell: str, quote: bool) -> str:
    return '"' + cell.replace('"', '""') + '"' if quote else cell


@st.composite
def price_csvs(draw) -> str:
    header = draw(headers)
    width = max(len(header.split(",")), 1)
    end = draw(line_ends)
    lines = [header]
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        if draw(st.booleans()):
            row = [draw(ids), draw(prices), draw(prices), draw(currencies)][:width]
        else:
            row = draw(st.lists(cells, max_size=width + 2))
        quote = draw(st.booleans())
        lines.append(",".join(_quote(c, quote) for c in row))
    text = end.join(lines)
    return text + (end if draw(st.booleans()) else "")


def check(text: str, allow_cost: bool) -> None:
    try:
        rows = parse_price_csv(text, KNOWN, allow_cost, label="prices.csv")
    except ConfiguratorError as exc:
        assert isinstance(exc, PriceImportError), type(exc)
        message = str(exc)
        assert message.strip() and message.startswith("prices.csv: nothing imported; ")
        assert "\n" not in message and "\r" not in message, f"message is not one line: {message!r}"
        assert exc.problems and all(p.strip() for p in exc.problems)
        return
    # accepted: every row keeps the documented promises
    assert rows
    assert len({r.id for r in rows}) == len(rows)
    for r in rows:
        assert r.id in KNOWN
        assert isinstance(r.list_price, Decimal) and 0 <= r.list_price <= MAX_PRICE
        assert r.list_price == r.list_price.quantize(Decimal("0.01"))
        assert r.cost is None or (allow_cost and 0 <= r.cost <= MAX_PRICE)
        assert r.currency is None or (len(r.currency) == 3 and r.currency.isupper())


def _universal_newlines(text: str) -> str:
    """What Path.read_text (used by import_prices) hands the parser."""
    return io.TextIOWrapper(io.BytesIO(text.encode("utf-8", "surrogatepass")), encoding="utf-8",
                            errors="surrogatepass").read()


@FUZZ
@given(text=price_csvs(), allow_cost=st.booleans())
@example(text="id,list_price\nh200-sxm," + "9" * 200_000 + "\n", allow_cost=True)  # past csv's field limit
@example(text='id,list_price\n"h200-sxm\n",100\n', allow_cost=True)  # a newline inside a quoted id
@example(text="id,list_price\rh200-sxm,1\rpsu-crps-3000w,2\r", allow_cost=False)  # classic Mac line ends
def test_generated_price_lists(text, allow_cost):
    check(text, allow_cost)
    check(_universal_newlines(text), allow_cost)


VALID = "id,list_price,cost,currency\nh200-sxm,32000.00,27840.00,USD\nrtx-pro-6000-maxq,8565.00,,\n"


@FUZZ
@given(data=st.data())
def test_mutated_price_list(data):
    text = list(VALID)
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        at = data.draw(st.integers(min_value=0, max_value=max(len(text) - 1, 0)))
        op = data.draw(st.sampled_from(["replace", "insert", "delete"]))
        char = data.draw(st.one_of(st.sampled_from(list(',"\n\r \t0.-e\x00')), st.characters()))
        if op == "replace" and text:
            text[at] = char
        elif op == "insert":
            text.insert(at, char)
        elif text:
            del text[at]
    check("".join(text), data.draw(st.booleans()))


@FUZZ
@given(text=st.text(max_size=200))
def test_arbitrary_text(text):
    check(text, True)


def test_the_valid_list_parses():
    rows = parse_price_csv(VALID, KNOWN, True)
    assert [(r.id, r.list_price, r.cost) for r in rows] == [
        ("h200-sxm", Decimal("32000.00"), Decimal("27840.00")), ("rtx-pro-6000-maxq", Decimal("8565.00"), None)]
    assert list(csv.reader(io.StringIO(VALID)))[0] == ["id", "list_price", "cost", "currency"]


def test_import_of_a_file_past_the_field_limit_is_a_clear_error(writable_catalog, tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("id,list_price\nh200-sxm," + "1" * 200_000 + "\n", encoding="utf-8")
    try:
        import_prices(writable_catalog, path)
    except PriceImportError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
    else:
        raise AssertionError("a 200,000-digit price was imported")
