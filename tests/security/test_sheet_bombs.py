"""Spreadsheet bombs: small uploads that unpack or expand to gigabytes, or to millions of rows.

Each bomb is built here, in memory, within the upload limit, and must be refused with a
:class:`SheetError` and a stable code (worded for people by ``cocrea.plans.sheet_messages``), or read,
without the worker spending minutes and gigabytes on it. Before the fix, the 400 MB shared string
took 35 s and 4 GB, two million blank rows 16 s and 0.5 GB, a CSV of five million empty lines 34 s
and 1.7 GB, and the same files are refused below, in milliseconds, by what the zip declares or by a
scan that builds nothing. Behaviour is asserted, never time; memory where it is robust (tracemalloc
traces what Python allocates, and these refusals allocate next to nothing).
"""

from __future__ import annotations

import contextlib
import io
import struct
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable

import pytest

from cocrea.computations.attendance_sheet import read_attendance
from cocrea.computations.sheets import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    SheetError,
    read_expenditures,
    read_progress,
    row_limit,
    write_xlsx,
)

UPLOAD_LIMIT = 5 * 1024 * 1024  # cocrea.core.uploads.MAX_UPLOAD_BYTES (a test below checks they agree)
ACTIVITIES = {"01": "A1", "1": "A1", "A": "A1", "02": "A2", "2": "A2", "B": "A2"}
BUDGET_LINES = {"01": "L1", "1": "L1"}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
SST = "xl/sharedStrings.xml"
SST_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>activity</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>date</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>percent_complete</t></is></c></row>'
)
DATA_ROW = (
    b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>01</t></is></c>'
    b'<c r="B%d" t="inlineStr"><is><t>2019-05-31</t></is></c><c r="C%d"><v>10</v></c></row>'
)

Chunks = Callable[[], Iterable[bytes]]


# --- Building the bombs ----------------------------------------------------------------------------


def workbook(
    sheet_data: Chunks | None = None,
    *,
    parts: dict[str, Chunks] | None = None,
    edit: dict[str, Callable[[bytes], bytes]] | None = None,
) -> bytes:
    """An XLSX written by openpyxl, with ``sheet_data`` as its first sheet's rows (without the sheet's
    <dimension>, as some generators write it), ``parts`` added and ``edit`` applied to parts. The
    big parts are streamed into the zip, never held whole in memory."""
    base = write_xlsx([["01", "2019-05-31", 10]], ["activity", "date", "percent_complete"])
    source = zipfile.ZipFile(io.BytesIO(base))
    parts = dict(parts or {})
    edit = dict(edit or {})
    if sheet_data is not None:
        head, _, rest = source.read(SHEET).partition(b"<sheetData>")
        tail = rest.partition(b"</sheetData>")[2]
        head = head.replace(b'<dimension ref="A1:C2"/>', b"")
        rows = sheet_data

        def sheet() -> Iterable[bytes]:
            yield head + b"<sheetData>"
            yield from rows()
            yield b"</sheetData>" + tail

        parts[SHEET] = sheet
    if SST in parts:
        edit["[Content_Types].xml"] = lambda body: body.replace(b"</Types>", SST_TYPE + b"</Types>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in source.namelist():
            if name not in parts:
                body = source.read(name)
                archive.writestr(name, edit[name](body) if name in edit else body)
        for name, chunks in parts.items():
            with archive.open(name, "w", force_zip64=True) as stream:
                for chunk in chunks():
                    stream.write(chunk)
    return out.getvalue()


def repeat(chunk: bytes, times: int) -> Iterable[bytes]:
    """``chunk * times`` in pieces of about a megabyte."""
    per = max(1, (1 << 20) // len(chunk))
    for _ in range(times // per):
        yield chunk * per
    yield chunk * (times % per)


def rows(cells: Callable[[int], bytes], count: int, *, first: int = 3) -> Chunks:
    """The header, one row of data, then ``count`` rows whose cells are ``cells(row_number)``."""

    def data() -> Iterable[bytes]:
        yield HEADER_ROW + DATA_ROW % (2, 2, 2, 2)
        batch: list[bytes] = []
        for number in range(first, first + count):
            batch.append(b'<row r="%d">%s</row>' % (number, cells(number)))
            if len(batch) == 10_000:
                yield b"".join(batch)
                batch.clear()
        yield b"".join(batch)

    return data


def shared_string_bomb(size: int) -> bytes:
    """One shared string of ``size`` bytes, used by the first data cell."""

    def strings() -> Iterable[bytes]:
        yield f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
        yield from repeat(b"A", size)
        yield b"</t></si></sst>"

    def data() -> Iterable[bytes]:
        yield HEADER_ROW + b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'

    return workbook(data, parts={SST: strings})


def blank_rows_bomb(count: int, *, numbered: bool) -> bytes:
    """A header, ``count`` empty <row> elements (``<row r="5"/>`` or ``<row/>``), one row of data."""

    def data() -> Iterable[bytes]:
        yield HEADER_ROW
        if numbered:
            for start in range(2, count + 2, 50_000):
                yield b"".join(b'<row r="%d"/>' % n for n in range(start, min(start + 50_000, count + 2)))
        else:
            yield from repeat(b"<row/>", count)
        yield DATA_ROW % ((count + 2,) * 4)

    return workbook(data)


def lying_sizes(data: bytes, member: str, declared: int) -> bytes:
    """``data`` with ``member`` declaring ``declared`` bytes unpacked in both zip headers."""
    patched = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    struct.pack_into("<I", patched, info.header_offset + 22, declared)
    central = patched.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", patched, central + 28)[0]
        if patched[central + 46 : central + 46 + length] == member.encode():
            struct.pack_into("<I", patched, central + 24, declared)
            return bytes(patched)
        central = patched.find(b"PK\x01\x02", central + 4)
    raise AssertionError(member)


def refused(data: bytes, read: Callable[..., object] = read_progress, known: object = None) -> SheetError:
    assert len(data) <= UPLOAD_LIMIT, "a bomb must fit in an upload"
    with pytest.raises(SheetError) as raised:
        read(data, ACTIVITIES if known is None else known)
    assert raised.value.message
    return raised.value


def peak_megabytes(action: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        with contextlib.suppress(SheetError):
            action()
        return tracemalloc.get_traced_memory()[1] / 1_000_000
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def shared_string_400_mb() -> bytes:
    return shared_string_bomb(400_000_000)


# --- XLSX ------------------------------------------------------------------------------------------


def test_the_upload_limit_is_the_one_the_bombs_fit_in() -> None:
    from cocrea.core.uploads import MAX_UPLOAD_BYTES

    assert MAX_UPLOAD_BYTES == UPLOAD_LIMIT


def test_a_400_mb_shared_string_is_refused_before_anything_is_unpacked(shared_string_400_mb: bytes) -> None:
    assert len(shared_string_400_mb) < 1_000_000  # 400 MB in a few hundred kilobytes
    error = refused(shared_string_400_mb)
    assert error.code == "xlsx_too_large"
    assert error.params["reason"] == "member" and error.params["found"] > 400_000_000
    assert peak_megabytes(lambda: read_progress(shared_string_400_mb, ACTIVITIES)) < 20


def test_the_same_bomb_is_refused_by_every_reader(shared_string_400_mb: bytes) -> None:
    assert refused(shared_string_400_mb, read_expenditures, BUDGET_LINES).code == "xlsx_too_large"
    assert refused(shared_string_400_mb, read_attendance, {"0": "M0"}).code == "xlsx_too_large"


def test_a_shared_string_that_fits_in_a_part_is_still_longer_than_a_cell_holds() -> None:
    error = refused(shared_string_bomb(19_000_000))
    assert error.code == "cell_too_long" and error.params["limit"] == MAX_CELL_CHARS


def test_a_zip_that_lies_about_its_sizes_is_refused_as_damaged() -> None:
    """zipfile stops at the declared size and checks the CRC: the lie cannot inflate anything."""
    data = lying_sizes(shared_string_bomb(50_000_000), SST, declared=1_000)
    assert refused(data).code == "xlsx_unreadable"


@pytest.mark.slow
def test_two_million_blank_rows_are_refused() -> None:
    numbered = blank_rows_bomb(2_000_000, numbered=True)  # 36 MB of sheet in under 5 MB
    assert refused(numbered).code == "xlsx_too_large"
    bare = blank_rows_bomb(2_000_000, numbered=False)  # 12 MB of sheet in a few kilobytes
    error = refused(bare)
    assert error.code == "too_many_blank_rows"
    assert error.params == {"limit": row_limit(), "data_limit": MAX_ROWS}
    assert peak_megabytes(lambda: read_progress(bare, ACTIVITIES)) < 20


def test_blank_rows_count_toward_the_row_limit() -> None:
    limit = row_limit()
    assert refused(blank_rows_bomb(limit, numbered=True)).code == "too_many_blank_rows"
    result = read_progress(blank_rows_bomb(limit - 3, numbered=True), ACTIVITIES)
    assert [r.row for r in result.rows] == [limit - 1] and result.ok


def test_one_row_numbered_a_million_is_refused() -> None:
    """openpyxl yields every row up to the one numbered, blank; the scan sees the number first."""

    def data() -> Iterable[bytes]:
        yield HEADER_ROW + DATA_ROW % ((1_048_576,) * 4)

    assert refused(workbook(data)).code == "too_many_blank_rows"


def test_more_rows_of_data_than_allowed() -> None:
    error = refused(workbook(rows(lambda n: b'<c r="A%d"><v>1</v></c>' % n, MAX_ROWS)))
    assert error.code == "too_many_rows" and error.params == {"limit": MAX_ROWS}


def test_a_value_far_right_is_refused_and_blank_formatted_cells_there_are_not() -> None:
    error = refused(workbook(rows(lambda n: b'<c r="XFD%d"><v>1</v></c>' % n, 50)))
    assert error.code == "too_many_columns"
    assert (error.params["row"], error.params["column"], error.params["last"]) == (3, "XFD", "CV")
    # Formatting far right (a border down to XFD) pads no row that wide: the data is read.
    result = read_progress(workbook(rows(lambda n: b'<c r="XFD%d" s="1"/>' % n, 19_000)), ACTIVITIES)
    assert [r.row for r in result.rows] == [2] and result.ok


def test_the_last_column_allowed_is_read() -> None:
    edge = b'<c r="CV%d"><v>1</v></c>' % 2
    data = workbook(lambda: [HEADER_ROW + (DATA_ROW % (2, 2, 2, 2)).replace(b"</row>", edge + b"</row>")])
    result = read_progress(data, ACTIVITIES)
    assert [r.row for r in result.rows] == [2]
    assert [w.code for w in result.warnings] == ["value_outside_columns"]
    assert refused(workbook(rows(lambda n: b'<c r="CW%d"><v>1</v></c>' % n, 1))).code == "too_many_columns"


def test_two_million_cells_in_one_row_are_refused() -> None:
    data = workbook(lambda: [HEADER_ROW, b'<row r="2">', *repeat(b"<c/>", 2_000_000), b"</row>"])
    assert len(data) < 100_000
    error = refused(data)
    assert error.code == "too_many_columns" and error.params["row"] == 2 and error.params["cells"] > 16_384

    from cocrea.plans.sheet_messages import describe_sheet_error

    assert describe_sheet_error(error).startswith("La fila 2 tiene ")
    assert describe_sheet_error(error).endswith(
        " celdas, más de las que caben en una fila de Excel: un archivo puede usar como máximo 100 columnas."
    )


def test_styles_and_rules_openpyxl_would_build_one_by_one_are_refused() -> None:
    rule = (
        b'<conditionalFormatting sqref="A1"><cfRule type="expression" priority="1">'
        b"<formula>1</formula></cfRule></conditionalFormatting>"
    )
    rules = workbook(
        edit={SHEET: lambda body: body.replace(b"</sheetData>", b"</sheetData>" + rule * 100_000)}
    )
    assert refused(rules).code == "xlsx_too_complex"
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    styles = workbook(
        edit={"xl/styles.xml": lambda body: body.replace(b"</cellXfs>", xf * 100_000 + b"</cellXfs>")}
    )
    assert refused(styles).code == "xlsx_too_complex"


def test_a_tag_of_a_million_attributes_is_refused_before_it_is_parsed() -> None:
    attributes = b" ".join(b'a%d=""' % n for n in range(200_000))
    data = workbook(
        edit={"xl/workbook.xml": lambda body: body.replace(b"<workbook ", b"<workbook " + attributes + b" ")}
    )
    assert refused(data).code == "xlsx_too_complex"


def test_fifty_thousand_members_are_refused() -> None:
    source = zipfile.ZipFile(
        io.BytesIO(write_xlsx([["01", "2019-05-31", 10]], ["activity", "date", "percent_complete"]))
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name))
        for number in range(50_000):
            archive.writestr(f"x/{number}", b"")
    error = refused(out.getvalue())
    assert error.code == "xlsx_too_large" and error.params["reason"] == "entries"


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><workbook/>',  # entities
        "<workbook/>".encode("utf-16"),  # not UTF-8: the scan could not bound a tag
        b"<workbook><sheets>",  # not well-formed
    ],
)
def test_xml_the_scan_cannot_vouch_for_is_refused(body: bytes) -> None:
    assert refused(workbook(edit={"xl/workbook.xml": lambda _: body})).code == "xlsx_unreadable"


@pytest.mark.slow
def test_an_ordinary_report_of_ten_thousand_rows_is_read() -> None:
    data = write_xlsx(
        [
            [f"{1 + n % 2:02d}", f"2019-05-{1 + n % 28:02d}", n % 100, "", None, None, "nota"]
            for n in range(MAX_ROWS)
        ],
        ["activity", "date", "percent_complete", "status", "actual_start", "actual_end", "note"],
    )
    result = read_progress(data, ACTIVITIES)
    assert len(result.rows) == MAX_ROWS and result.ok


# --- CSV -------------------------------------------------------------------------------------------


def test_a_csv_cell_of_five_megabytes_is_refused() -> None:
    error = refused(b"activity,date,percent_complete\n01,2019-05-31," + b"9" * 5_000_000 + b"\n")
    assert error.code == "cell_too_long" and error.params == {"limit": MAX_CELL_CHARS, "row": 2}


def test_a_quoted_csv_cell_longer_than_excel_allows_is_refused() -> None:
    text = 'activity,date,percent_complete,note\n01,2019-05-31,10,"' + "línea\n" * 6_000 + '"\n'
    error = refused(text.encode())
    assert error.code == "cell_too_long" and error.params["row"] == 2


@pytest.mark.slow
def test_five_million_empty_csv_lines_are_refused() -> None:
    data = b"activity,date,percent_complete\n" + b"\n" * 5_000_000 + b"01,2019-05-31,10\n"
    assert refused(data).code == "too_many_blank_rows"
    assert peak_megabytes(lambda: read_progress(data, ACTIVITIES)) < 60
    crlf = b"activity;date;percent_complete\r\n" + b"\r\n;;\r\n" * 800_000
    assert refused(crlf).code == "too_many_blank_rows"


def test_a_csv_line_of_five_million_commas_is_read_and_a_value_beyond_the_columns_is_not() -> None:
    result = read_progress(
        b"activity,date,percent_complete\n01,2019-05-31,10" + b"," * 5_000_000 + b"\n", ACTIVITIES
    )
    assert [r.row for r in result.rows] == [2] and result.ok
    far = b"activity,date,percent_complete\n01,2019-05-31,10" + b"," * (MAX_COLUMNS + 10) + b"x\n"
    error = refused(far)
    assert error.code == "too_many_columns" and error.params["row"] == 2


def test_a_utf16_csv_bomb_is_refused_as_well() -> None:
    data = ("activity\tdate\tpercent_complete\r\n" + "\r\n" * 1_000_000).encode("utf-16")
    assert len(data) <= UPLOAD_LIMIT
    assert refused(data).code == "too_many_blank_rows"


# --- Through the staff screen ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_staff_screen_refuses_the_bomb_with_a_sentence(
    staff_client, milestone, shared_string_400_mb
) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("staff:sheet_import", args=[milestone.pk, "avance"])
    response = staff_client.post(url, {"file": SimpleUploadedFile("avance.xlsx", shared_string_400_mb)})
    assert response.status_code == 400
    assert response.context["error"] == (
        "Una parte del libro ocupa más de 20 MB descomprimida: guarde la hoja como CSV o copie sus filas "
        "en un libro nuevo."
    )
    blank = SimpleUploadedFile("avance.csv", b"activity,date,percent_complete\n" + b"\n" * 4_000_000)
    response = staff_client.post(url, {"file": blank})
    assert response.status_code == 400
    assert response.context["error"] == (
        "El archivo tiene más de 20,000 filas contando las vacías (como máximo 10,000 con datos): borre "
        "las filas vacías que sobran debajo de los datos."
    )
