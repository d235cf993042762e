"""The directly written table workbook (cocrea/computations/table_xlsx.py) reads back as the one
openpyxl writes (cocrea/computations/sheets.write_xlsx): every cell's value and number format, the
bold frozen header, the column widths and the sheet's name."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from cocrea.computations.sheets import write_xlsx
from cocrea.computations.table_xlsx import write_table_xlsx

HEADERS = ["compromiso", "avance", "fin", "nota"]

values = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["=SUM(A1)", "+1", "'quoted", "<b>&\"'", "a\x00b\x1fc", "\u202eevil", "Sí", "No"]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.booleans(),
)


def read(data: bytes) -> dict[str, object]:
    sheet = load_workbook(io.BytesIO(data)).active
    return {
        "title": sheet.title,
        "freeze": sheet.freeze_panes,
        "cells": [
            [(cell.value, cell.number_format, bool(cell.font.b)) for cell in row] for row in sheet.iter_rows()
        ],
        "widths": {key: dim.width for key, dim in sheet.column_dimensions.items()},
    }


@given(st.lists(st.lists(values, min_size=4, max_size=4), max_size=8))
def test_the_table_reads_back_as_openpyxls(rows: list[list[object]]) -> None:
    assert read(write_table_xlsx(rows, HEADERS, title="Seguimiento")) == read(
        write_xlsx(rows, HEADERS, title="Seguimiento")
    )


def test_a_tracker_like_table() -> None:
    rows: list[list[object]] = [
        ["1", "GT0001", 45.5, date(2020, 12, 31), "Sí", None, Decimal("12.50"), time(9, 30), 100.0, 3],
        [
            "2",
            '\'=HYPERLINK("x")',
            None,
            None,
            "No",
            "https://x.example/a?b=1&c=2",
            Decimal("7"),
            None,
            0.0,
            -4,
        ],
    ]
    headers = [f"h{n}" for n in range(10)]
    ours, theirs = (
        read(write_table_xlsx(rows, headers, title="Seguimiento")),
        read(write_xlsx(rows, headers, title="Seguimiento")),
    )
    assert ours == theirs
    assert ours["freeze"] == "A2" and ours["cells"][0][0][2] is True
