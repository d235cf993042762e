"""Whatever is uploaded, the importer answers with a plan or a PlanParseError, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocrea.computations.plancheck import Finding, check_plan
from cocrea.computations.planparse import MAX_BYTES, ParsedPlan, PlanParseError, parse_plan
from tests.hypothesis_profiles import examples

FUZZ = settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_or_error(data: bytes | str) -> ParsedPlan | PlanParseError:
    """Parse and check; only a ParsedPlan or a well-formed PlanParseError may come out."""
    try:
        plan = parse_plan(data)
    except PlanParseError as error:
        assert error.line >= 0
        assert error.message.strip()
        assert error.code.strip()
        assert str(error)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in error.params.items())
        return error
    findings = check_plan(plan)
    assert all(isinstance(f, Finding) for f in findings)
    assert all(f.line >= 0 for f in findings)
    assert findings == sorted(findings, key=Finding.sort_key)
    return plan


def _line_count(text: str) -> int:
    """Lines as the importer counts them: CR LF, CR and LF all end one."""
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


@pytest.mark.parametrize("as_bytes", [False, True])
def test_every_prefix_cut_at_a_line(seed_text: str, as_bytes: bool) -> None:
    lines = seed_text.split("\n")
    results = []
    for count in range(len(lines) + 1):
        text = "\n".join(lines[:count])
        result = read_or_error(text.encode("utf-8") if as_bytes else text)
        if isinstance(result, PlanParseError):
            assert result.line <= max(count, 1), (count, result)
        results.append(result)
    # A plan is not whole before its last schedule row; the whole file is.
    assert isinstance(results[-1], ParsedPlan)
    cronograma = next(i for i, line in enumerate(lines) if line.startswith("VIII."))
    assert all(isinstance(r, PlanParseError) for r in results[: cronograma + 1])
    codes = {r.code for r in results if isinstance(r, PlanParseError)}
    assert {"empty", "not_a_plan", "truncated"} <= codes


def test_truncated_plan_names_the_missing_section(seed_text: str) -> None:
    lines = seed_text.split("\n")
    cut = next(i for i, line in enumerate(lines) if line.startswith("VII."))
    with pytest.raises(PlanParseError) as caught:
        parse_plan("\n".join(lines[:cut]))
    assert caught.value.code == "truncated"
    assert caught.value.params == {"heading": "VII. RECURSOS"}
    assert caught.value.line == cut - 1  # the last line with text


def test_missing_section_in_the_middle_points_at_the_next_heading(seed_text: str) -> None:
    lines = seed_text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("III."))
    end = next(i for i, line in enumerate(lines) if line.startswith("IV."))
    with pytest.raises(PlanParseError) as caught:
        parse_plan("\n".join(lines[:start] + lines[end:]))
    assert caught.value.code == "missing_section"
    assert caught.value.params == {"heading": "III. INDICADORES"}
    assert caught.value.line == start + 1  # IV's heading, where III was expected


@pytest.mark.parametrize(
    ("data", "code", "line"),
    [
        (b"", "empty", 1),
        (b" \n\t\r\n", "empty", 1),
        (b"hello\nworld\x00\x01", "binary", 2),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f" * 3, "binary", 1),
        (b"just some text\nwith no headings\n", "not_a_plan", 1),
        (b"x" * (MAX_BYTES + 1), "file_too_large", 0),
    ],
)
def test_not_a_plan(data: bytes, code: str, line: int) -> None:
    with pytest.raises(PlanParseError) as caught:
        parse_plan(data)
    assert (caught.value.code, caught.value.line) == (code, line)
    assert caught.value.message


@FUZZ
@given(cut=st.integers(min_value=0))
def test_prefix_cut_anywhere_in_the_text(seed_text: str, cut: int) -> None:
    text = seed_text[: cut % (len(seed_text) + 1)]
    result = read_or_error(text)
    if isinstance(result, PlanParseError):
        assert result.line <= _line_count(text)


@FUZZ
@given(cut=st.integers(min_value=0))
def test_prefix_cut_anywhere_in_the_bytes(seed_bytes: bytes, cut: int) -> None:
    # Cuts may fall inside a two-byte UTF-8 character.
    read_or_error(seed_bytes[: cut % (len(seed_bytes) + 1)])


@FUZZ
@given(data=st.binary(max_size=4000))
def test_random_bytes(data: bytes) -> None:
    read_or_error(data)


@FUZZ
@given(text=st.text(max_size=2000))
def test_random_text(text: str) -> None:
    result = read_or_error(text)
    if isinstance(result, PlanParseError):
        assert result.line <= _line_count(text)


# Plan-shaped noise: the words, cells and line breaks plans are made of, in random order.
TOKENS = [
    "\n",
    "\n",
    "\n",
    "\t",
    "\t",
    "\t",
    " ",
    "I. OBJETIVO GENERAL",
    "II. OBJETIVOS ESPECÍFICOS",
    "III. INDICADORES",
    "IV. ACTIVIDADES",
    "V. ESTRATEGIAS",
    "VI. RESPONSABILIDADES",
    "VII. RECURSOS",
    "VIII. CRONOGRAMA",
    "PLAN DE TRABAJO HITO 1, COMPROMISO 11",
    "4º. PLAN DE ACCIÓN NACIONAL DE GOBIERNO ABIERTO 2018-2020",
    "COMPROMISO No. 11 Nombre del compromiso: DISEÑO",
    "Responsable/s\t\tCoordinador INAP. Entidades: Instituto X - INAP – 1,2 y 3",
    "Tiempo de cumplimiento\t\t",
    "2018 2019 2020",
    "No.\tActividad\tResponsable\tFecha",
    "No.\tRecurso\tCosto",
    "- A. ",
    "B. ",
    "- M. ",
    "01",
    "1",
    "13",
    "999",
    "Elaboración del Plan",
    "INAP/GPAT",
    "Abril 2019",
    "Marzo 2019- Julio 2020",
    "abr-19",
    "dic-99",
    "ene-00",
    "2200",
    "1900",
    "Diciembre 2200",
    "Enero 1900",
    "Noviembre 2018-Agosto 2020",
    "Q.16,000.00",
    "Q 9,500.00",
    "Q999999999999999999999999999999",
    "2 asesores de",
    "durante 17 meses",
    "17 ocasiones",
    "\tTotal:\t",
    "1\tHito: Co-creación",
    "2\tHito: Otro",
    "\tReunión inicial\t",
    "Reunión de Trabajo 01",
    "Reunión de Final",
    "N\tD\tE\tF\tM\tA\tM\tJ\tJ\tA\tS\tO",
    "\tX",
    "(PoC)",
]


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=300))
def test_plan_shaped_noise(tokens: list[str]) -> None:
    read_or_error("".join(tokens))


# Cells of the tables plans are made of: numbers, titles, dates in several spellings (some
# at the edges of the calendar), amounts, marks, month initials, labels of the schedule header.
CELLS = [
    "",
    "",
    "",
    "01",
    "1",
    "2",
    "13",
    "1.1",
    "Elaboración del Plan de Trabajo.",
    "2 asesores de Q.16,000.00 durante 17 meses.",
    "Salón para 15 personas durante 17 ocasiones",
    "INAP/GPAT",
    "Abril 2019",
    "abr-19",
    "dic-99",
    "Marzo 2019- Julio 2020",
    "Julio 2020 - Marzo 2019",
    "Diciembre 2200",
    "Octubre 2199 - Febrero 2200",
    "Enero 1900",
    "Q.544,000.00",
    "Q 9,500.00",
    "Q" + "9" * 40,
    "Total:",
    "X",
    "N",
    "D",
    "E",
    "F",
    "M",
    "A",
    "J",
    "Hito: Co-creación",
    "Reunión inicial",
    "Reunión de Trabajo 01",
    "Reunión de Trabajo 7",
    "Reunión de Final",
    "Tiempo de cumplimiento",
    "Noviembre 2018-Agosto 2020",
    "Responsable/s",
    "Coordinador INAP. Entidades: Instituto X - INAP – 1,2 y 3",
    "COMPROMISO No. 11 Nombre del compromiso: DISEÑO",
    "2018 2019 2020",
]
rows = st.lists(st.lists(st.sampled_from(CELLS), max_size=10).map("\t".join), max_size=30).map("\n".join)
GRID = "\t\t\t" + "\t".join("NDEFMAMJJASONDEFMAMJJA")
SKELETON = (
    "PLAN DE TRABAJO HITO 1, COMPROMISO 11\n\nI. OBJETIVO GENERAL\nObjetivo.\n"
    "II. OBJETIVOS ESPECÍFICOS\n- A. Uno.\nIII. INDICADORES\n- A. Uno.\n"
    "IV. ACTIVIDADES\n- A. Uno.\n- B. Dos.\n"
    "VI. RESPONSABILIDADES\nNo.\tActividad\tResponsable\tFecha\n{activities}\n"
    "VII. RECURSOS\nNo.\tRecurso\tCosto\n01\tPapel.\tQ.1.00\n{budget}\n"
    "VIII. CRONOGRAMA\n4º. PLAN DE ACCIÓN NACIONAL 2018-2020\n{header}\n"
    "No.\tDESCRIPCIÓN\tTIEMPO\t2018 2019 2020\n{grid}\n1\tHito: Uno\n"
    "\tReunión inicial\tabr-19\n{schedule}"
)


@FUZZ
@given(rows, rows, rows, rows, st.booleans())
def test_plan_skeleton_with_noisy_tables(
    activities: str, budget: str, header: str, schedule: str, with_grid: bool
) -> None:
    text = SKELETON.format(
        activities=activities,
        budget=budget,
        header=header,
        grid=GRID if with_grid else "",
        schedule=schedule,
    )
    result = read_or_error(text)
    # The skeleton is a whole plan: the noise may spoil its figures, never stop the reading.
    assert isinstance(result, ParsedPlan), result


@FUZZ
@given(data=st.data())
def test_seed_with_lines_deleted_duplicated_or_spliced(seed_text: str, data: st.DataObject) -> None:
    lines = seed_text.split("\n")
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        index = data.draw(st.integers(0, len(lines) - 1), label="line")
        action = data.draw(st.sampled_from(["delete", "duplicate", "splice", "swap", "noise"]))
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = data.draw(st.integers(0, len(lines) - 1), label="other")
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "splice":
            line = lines[index]
            at = data.draw(st.integers(0, len(line)), label="at")
            lines[index] = line[:at] + data.draw(st.sampled_from(TOKENS)) + line[at:]
        else:
            lines[index] = data.draw(st.text(max_size=40), label="noise")
    read_or_error("\n".join(lines))


def test_huge_numbers_do_not_crash(seed_text: str) -> None:
    """int() refuses more than 4300 digits, Decimal quantize more than 28: both were crashes."""
    text = seed_text.replace("Trabajo 15", "Trabajo " + "1" * 5000)
    text = text.replace("hitos 5,6,7 y 8", "hitos 5,6,7 y " + "8" * 5000)
    text = text.replace("Q.9,500.00", "Q." + "9" * 40)
    plan = read_or_error(text)
    assert isinstance(plan, ParsedPlan)
    assert plan.budget_lines[2].cost is None
    assert [f.code for f in check_plan(plan) if f.item == "03"] == ["budget.cost_unreadable"]
    assert plan.responsible_entities[2].milestones == [5, 6, 7]


def test_dates_at_the_edge_of_the_calendar_do_not_crash_the_checker(seed_text: str) -> None:
    """The suggested correction for a date near December 2200 once raised in the checker."""
    text = seed_text.replace("Febrero 2020", "Mayo 2200").replace(
        "Marzo 2019- Julio 2020", "Octubre 2199 - Febrero 2200"
    )
    plan = read_or_error(text)
    assert isinstance(plan, ParsedPlan)
    findings = check_plan(plan)
    sequence = [f for f in findings if f.code == "activity.out_of_sequence" and f.item == "12"]
    assert len(sequence) == 1
    assert sequence[0].params["suggestion"] is None  # October 2200 – February 2201 is no range


def test_a_nul_byte_anywhere_makes_the_file_binary(seed_bytes):
    from cocrea.computations.planparse import PlanParseError, parse_plan

    late = seed_bytes + b"\n" * 70000 + b"Reuni\xc3\xb3n extra\x00\tago-20\n"
    with pytest.raises(PlanParseError) as error:
        parse_plan(late)
    assert error.value.code == "binary"
    assert error.value.line == late[: late.index(b"\x00")].count(b"\n") + 1
