from __future__ import annotations

import pytest

from cocrea.computations.indicator_methods import classify_indicator


@pytest.mark.parametrize(
    ("definition", "method"),
    [
        (
            "Avances del Plan de Trabajo (Planificado, Ejecutado, diferencia en tiempo y presupuesto).",
            "earned_value",
        ),
        (
            "Cantidad de teorías, términos y conceptos de innovación aplicados en la gestión pública.",
            "catalogue_concepts",
        ),
        ("Cantidad de Estándares aplicados.", "catalogue_standards"),
        ("Cantidad de Normas legales aplicadas.", "catalogue_norms"),
        ("CANTIDAD DE NORMAS JURÍDICAS APLICADAS", "catalogue_norms"),
        (
            "Cantidad de personas jurídicas e individuales que participan en el proceso de cocreación.",
            "participants",
        ),
        ("Número de municipios con oficina de acceso a la información", "manual"),
    ],
)
def test_indicator_definitions_are_recognised(definition, method):
    assert classify_indicator(definition) == method
