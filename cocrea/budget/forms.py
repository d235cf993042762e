from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cocrea.plans.forms import DateInput


class ExpenditureForm(forms.Form):
    day = forms.DateField(label=_("Fecha"), widget=DateInput())
    amount = forms.DecimalField(label=_("Monto (Q)"), min_value=0.01, max_digits=14, decimal_places=2)
    description = forms.CharField(label=_("Descripción"), max_length=500)
    reference = forms.CharField(label=_("Referencia del documento"), max_length=120, required=False)


class ReasonField(forms.CharField):
    """Why a recorded fact is corrected or annulled: required, kept in the record and its history."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(max_length=1000, **kwargs)


class ExpenditureEditForm(ExpenditureForm):
    reason = ReasonField(
        label=_("Motivo de la corrección"),
        help_text=_("Obligatorio. Queda con el gasto y en el historial de cambios."),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AnnulmentForm(forms.Form):
    reason = ReasonField(
        label=_("Motivo de la anulación"),
        help_text=_("Obligatorio. Se muestra junto al gasto anulado y en el historial de cambios."),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
