"""Which computation measures an indicator, recognised from its definition.

Work plans state indicators in words ("Avances del Plan de Trabajo (Planificado, Ejecutado…)",
"Cantidad de personas jurídicas e individuales que participan…"). Cocrea computes the ones it
recognises; staff can set the method of any indicator by hand.
"""

from __future__ import annotations

from cocrea.computations.text import fold

EARNED_VALUE = "earned_value"
PARTICIPANTS = "participants"
CATALOGUE_CONCEPTS = "catalogue_concepts"
CATALOGUE_STANDARDS = "catalogue_standards"
CATALOGUE_NORMS = "catalogue_norms"
MANUAL = "manual"

# (method, every one of these words, any of these words); accents and case are ignored.
_RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (EARNED_VALUE, (), ("planificado", "ejecutado", "avance del plan", "avances del plan", "earned value")),
    (PARTICIPANTS, (), ("personas juridicas", "personas individuales", "participan", "participantes")),
    (CATALOGUE_NORMS, ("norma",), ("legal", "juridic")),
    (CATALOGUE_STANDARDS, (), ("estandar", "standard")),
    (CATALOGUE_CONCEPTS, (), ("teoria", "termino", "concepto")),
)


def classify_indicator(definition: str) -> str:
    text = fold(definition)
    for method, required, any_of in _RULES:
        if all(word in text for word in required) and any(word in text for word in any_of):
            return method
    return MANUAL
