from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cocrea.plans.forms import DateInput


class MeetingOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Resultado"),
        choices=[("held", _("Realizada")), ("postponed", _("Pospuesta")), ("cancelled", _("Cancelada"))],
        widget=forms.RadioSelect,
    )
    day = forms.DateField(label=_("Fecha real o nueva fecha"), required=False, widget=DateInput())
    place = forms.CharField(label=_("Lugar o enlace"), required=False, max_length=300)
    reason = forms.CharField(label=_("Motivo"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
