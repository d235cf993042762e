"""The participants' forms: contribute (comment, proposal, reply) and report abuse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cocrea.drafts.models import Contribution
from cocrea.drafts.services import TEXT_LIMIT
from cocrea.plans.models import Organization


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Tipo de aporte"), choices=Contribution.Kind.choices, required=False, initial="comment"
    )
    text = forms.CharField(
        label=_("Su comentario"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Escriba su aporte.")},
    )
    proposed_text = forms.CharField(
        label=_("Redacción propuesta para el párrafo (solo para una propuesta)"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    organization = forms.ModelChoiceField(
        label=_("Hablo en nombre de"),
        queryset=None,
        required=False,
        empty_label=_("A título personal"),
    )

    def __init__(self, *args: Any, organizations: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)

        field = self.fields["organization"]
        field.queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations])  # type: ignore[attr-defined]
        if not organizations:
            field.widget = forms.HiddenInput()


class AbuseForm(forms.Form):
    reason = forms.CharField(label=_("¿Por qué lo reporta?"), max_length=1000)
