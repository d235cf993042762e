from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocrea.participation.models import Consent, Meeting
from cocrea.plans.forms import DateInput
from cocrea.plans.models import Organization


class MeetingOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Resultado"),
        choices=[("held", _("Realizada")), ("postponed", _("Pospuesta")), ("cancelled", _("Cancelada"))],
        widget=forms.RadioSelect,
    )
    day = forms.DateField(label=_("Fecha real o nueva fecha"), required=False, widget=DateInput())
    place = forms.CharField(label=_("Lugar o enlace"), required=False, max_length=300)
    reason = forms.CharField(label=_("Motivo"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- Staff: agenda, minutes, agreements --------------------------------------------------------


class VersionField(forms.IntegerField):
    """The version the editor started from (optimistic locking); hidden."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(widget=forms.HiddenInput, min_value=1, **kwargs)


# --- Staff: a meeting's details and date -----------------------------------------------------------


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(format="%H:%M", **kwargs)


def _zone_help() -> str:

    return _("Hora local del sitio (%(zone)s).") % {"zone": timezone.get_default_timezone_name()}


class _MeetingDetails(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=300)
    kind = forms.ChoiceField(label=_("Tipo de reunión"), choices=(), initial="working")
    place = forms.CharField(
        label=_("Lugar"),
        max_length=300,
        required=False,
        help_text=_("La dirección o la sala, tal como la verán las personas inscritas."),
    )
    online_link = forms.URLField(
        label=_("Enlace para participar en línea"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("Si la reunión es en línea o mixta: https://…"),
    )
    capacity = forms.IntegerField(
        label=_("Cupo"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("Cuántas personas pueden inscribirse; vacío: sin límite."),
    )
    description = forms.CharField(
        label=_("Descripción"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Para qué es la reunión y qué conviene traer. Se publica en su página."),
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Meeting.Kind.choices


class _MeetingDate(forms.Form):
    """The day and times, with the confirmation a date outside the milestone's period needs."""

    day = forms.DateField(label=_("Fecha"), widget=DateInput())
    starts = forms.TimeField(label=_("Hora de inicio"), required=False, widget=TimeInput())
    ends = forms.TimeField(label=_("Hora de fin"), required=False, widget=TimeInput())
    outside_period = forms.BooleanField(label="", required=False)

    def __init__(self, *args, period: str = "", ask_period: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["starts"].help_text = _zone_help()
        if ask_period:
            field = self.fields["outside_period"]
            field.label = _("Sí, la fecha está fuera del período del hito (%(period)s)") % {"period": period}
        else:
            del self.fields["outside_period"]

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if ends is not None and starts is None and "starts" not in self.errors:
            self.add_error("starts", _("Indique también la hora de inicio."))
        elif starts is not None and ends is not None and ends <= starts:
            self.add_error("ends", _("La hora de fin debe ser posterior a la de inicio."))
        return cleaned


class NewMeetingForm(_MeetingDate, _MeetingDetails):
    field_order = [
        "title",
        "kind",
        "day",
        "starts",
        "ends",
        "outside_period",
        "place",
        "online_link",
        "capacity",
        "description",
    ]


class MeetingDetailsForm(_MeetingDetails):
    """A meeting's details, edited from the version the editor opened; the date has its own form."""

    edit_version = VersionField()


class RescheduleForm(_MeetingDate):
    reason = forms.CharField(
        label=_("Motivo del cambio"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Opcional. Se publica en la página de la reunión y va en el correo a las personas inscritas."
        ),
    )
    edit_version = VersionField()


class CancelMeetingForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo de la cancelación"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Se publica en la página de la reunión y en el calendario, y va en el correo."),
    )
    edit_version = VersionField()


# --- Staff: correcting an attendee -----------------------------------------------------------------


class AttendanceCorrectionForm(forms.Form):
    name = forms.CharField(
        label=_("Nombre"),
        max_length=200,
        help_text=_("Si el nombre es el de otra persona del registro, la asistencia pasa a esa persona."),
    )
    organization = forms.ModelChoiceField(
        label=_("Organización"), queryset=None, required=False, empty_label=_("(ninguna)")
    )
    attended = forms.TypedChoiceField(
        label=_("¿Asistió?"),
        choices=[("yes", _("Sí")), ("no", _("No: quitarla de la lista de asistentes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )

    def __init__(self, *args, may_remove: bool = True, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations()
        if not may_remove:
            del self.fields["attended"]


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Punto de la agenda"), max_length=300)


class AgendaItemEditForm(AgendaItemForm):
    edit_version = VersionField()


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Acta"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Texto simple: deje una línea en blanco entre párrafos. Se publica en la página de la "
            "reunión tal como se escribe, sin formato ni enlaces activos."
        ),
    )
    edit_version = VersionField()


def _organizations():  # type: ignore[no-untyped-def]

    return Organization.objects.order_by("name")


class AgreementForm(forms.Form):
    text = forms.CharField(label=_("Acuerdo"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    owner_organization = forms.ModelChoiceField(
        label=_("Organización responsable"), queryset=None, required=False
    )
    owner_text = forms.CharField(
        label=_("O bien, responsable (texto)"),
        max_length=200,
        required=False,
        help_text=_("Una persona o un grupo, si el responsable no es una organización del registro."),
    )
    due_date = forms.DateField(label=_("Fecha límite"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["owner_organization"].queryset = _organizations()

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        organization, text = cleaned.get("owner_organization"), (cleaned.get("owner_text") or "").strip()
        if organization is None and not text and "owner_text" not in self.errors:
            self.add_error("owner_organization", _("Indique el responsable: una organización o un nombre."))
        elif organization is not None and text:
            self.add_error("owner_text", _("Elija una organización o escriba el responsable, no ambos."))
        return cleaned


class AgreementEditForm(AgreementForm):
    edit_version = VersionField()


class CompleteAgreementForm(forms.Form):
    done_at = forms.DateField(label=_("Cumplido el"), widget=DateInput())
    edit_version = VersionField(required=False)


# --- Staff: a person's consents and memberships -------------------------------------------------


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Finalidad"), choices=())
    text_version = forms.CharField(
        label=_("Versión del texto aceptado"),
        max_length=20,
        help_text=_("La versión del texto de consentimiento que la persona leyó y aceptó."),
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]

        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = Consent.Purpose.choices


class _MembershipPeriodFields(forms.Form):
    role = forms.CharField(label=_("Cargo"), max_length=120, required=False)
    since = forms.DateField(label=_("Desde"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Hasta"), required=False, widget=DateInput())

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("La fecha de fin es anterior a la de inicio."))
        return cleaned


class MembershipPeriodForm(_MembershipPeriodFields):
    """Edit a membership's role and period, from the version the editor opened."""

    edit_version = VersionField()


class MembershipForm(_MembershipPeriodFields):
    organization = forms.ModelChoiceField(label=_("Organización"), queryset=None)

    field_order = ["organization", "role", "since", "until"]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations()


class EndMembershipForm(forms.Form):
    until = forms.DateField(label=_("Terminó el"), widget=DateInput())
