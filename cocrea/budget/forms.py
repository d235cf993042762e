from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cocrea.plans.forms import DateInput


class ExpenditureForm(forms.Form):
    day = forms.DateField(label=_("Fecha"), widget=DateInput())
    amount = forms.DecimalField(label=_("Monto (Q)"), min_value=0.01, max_digits=14, decimal_places=2)
    description = forms.CharField(label=_("Descripción"), max_length=500)
    reference = forms.CharField(label=_("Referencia del documento"), max_length=120, required=False)
