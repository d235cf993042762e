from __future__ import annotations

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from cocrea.plans.models import ActivityStatus, Organization


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(format="%Y-%m-%d", **kwargs)


class _BySector(BaseChoiceIterator):
    """The field's institutions grouped by sector, read when the form is rendered (not when the
    form class is defined: an institution added since is there)."""

    def __init__(self, field: forms.ModelMultipleChoiceField) -> None:  # type: ignore[type-arg]
        self.field = field

    def __iter__(self):  # type: ignore[no-untyped-def]
        found: dict[str, list[tuple[int, str]]] = {}
        for organization in self.field.queryset.only("name", "acronym", "kind"):
            found.setdefault(organization.kind, []).append((organization.pk, str(organization)))
        for kind, label in Organization.Kind.choices:
            if kind in found:
                yield (label, found[kind])


class OrganizationsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Institutions from the registry as checkboxes grouped by sector (government, civil society,
    academia, private sector, international cooperation, other), in OGP's order, each by name:
    a long list a person scans by sector and ticks without a modifier key."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(queryset=Organization.objects.order_by("name"), required=False, **kwargs)

    @property  # type: ignore[override]
    def choices(self):  # type: ignore[no-untyped-def]
        return _BySector(self)

    @choices.setter
    def choices(self, value):  # type: ignore[no-untyped-def]
        forms.ChoiceField.choices.fset(self, value)  # type: ignore[attr-defined]


class ProgressForm(forms.Form):
    day = forms.DateField(label=_("Fecha del reporte"), widget=DateInput())
    percent = forms.DecimalField(label=_("% de avance"), min_value=0, max_value=100, decimal_places=2)
    status = forms.ChoiceField(
        label=_("Estado"),
        required=False,
        choices=[("", _("Según el avance")), *list(ActivityStatus.choices)],
    )
    actual_start = forms.DateField(label=_("Inicio real"), required=False, widget=DateInput())
    actual_end = forms.DateField(label=_("Fin real"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("Motivo (obligatorio si se retrasa o se cancela)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label=_("Nota"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_title = forms.CharField(label=_("Medio de verificación: título"), required=False, max_length=300)
    evidence_url = forms.URLField(
        label=_("Medio de verificación: enlace"), required=False, assume_scheme="https"
    )
    evidence_file = forms.FileField(
        label=_("Medio de verificación: archivo (PDF, imagen, DOCX o XLSX; hasta 5 MB)"), required=False
    )

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        if (cleaned.get("evidence_url") or cleaned.get("evidence_file")) and not cleaned.get(
            "evidence_title"
        ):
            self.add_error("evidence_title", _("Dé un título al medio de verificación."))
        return cleaned


class MeasurementForm(forms.Form):
    day = forms.DateField(label=_("Fecha de la medición"), widget=DateInput())
    value = forms.DecimalField(label=_("Valor"), max_digits=14, decimal_places=2)
    evidence_url = forms.URLField(
        label=_("Medio de verificación: enlace"), required=False, max_length=500, assume_scheme="https"
    )
    note = forms.CharField(label=_("Nota"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IndicatorTargetsForm(forms.Form):
    baseline = forms.DecimalField(label=_("Línea de base"), required=False, max_digits=14, decimal_places=2)
    baseline_day = forms.DateField(label=_("Fecha de la línea de base"), required=False, widget=DateInput())
    target = forms.DecimalField(label=_("Meta"), required=False, max_digits=14, decimal_places=2)
    measure_every_months = forms.IntegerField(
        label=_("Se mide cada (meses)"), required=False, min_value=1, max_value=60
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput)


class BaselineForm(forms.Form):
    effective_from = forms.DateField(label=_("Vigente desde"), widget=DateInput())
    reason = forms.CharField(
        label=_("Motivo (obligatorio al replanificar)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProgressCorrectionForm(ProgressForm):
    """A report's values corrected, with why; its evidence stays as it is."""

    evidence_title = None
    evidence_url = None
    evidence_file = None
    correction_reason = forms.CharField(
        label=_("Motivo de la corrección"),
        help_text=_("Obligatorio. Queda con el reporte y en el historial de cambios."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo del retiro"),
        help_text=_("Obligatorio. Queda en el historial de cambios, con el reporte retirado."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ValidateProgressForm(forms.Form):
    edit_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReturnProgressForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo de la devolución"),
        help_text=_("Obligatorio. La persona que registró el reporte lo lee para corregirlo."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
