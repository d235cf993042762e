"""The consent texts people read before they agree, each with its version.

A consent row records the version and the words shown (in the language they were read). When a
text changes, give it a new version here: the profile then asks everyone who agreed to an older
version to read the new one and agree again (their earlier consent stays in force until they
withdraw it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from cocrea.participation.models import Consent


@dataclass(frozen=True)
class ConsentText:
    """One purpose's current text: ``version`` is what a consent row records as ``text_version``."""

    purpose: str
    version: str
    words: Any  # a lazy translation: str(words) is the text in the active language

    @property
    def text(self) -> str:
        return str(self.words)


#: The texts in force, by purpose. Change the version whenever the words change in substance.
CURRENT: dict[str, ConsentText] = {
    Consent.Purpose.PUBLIC_NAME: ConsentText(
        Consent.Purpose.PUBLIC_NAME,
        "2026-11",
        _(
            "Acepto que Cocrea muestre mi nombre público junto a mis aportes a las consultas y en "
            "la lista de participantes de los compromisos en los que participe. Mi correo no se "
            "muestra nunca. Puedo retirar este consentimiento en «Mi cuenta» cuando quiera: desde "
            "ese momento mis aportes aparecen como «Participante»."
        ),
    ),
}


def current_text(purpose: str) -> ConsentText:
    return CURRENT[purpose]
