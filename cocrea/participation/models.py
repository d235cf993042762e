"""Participation: meetings, the registry of natural persons, consent, registration, attendance."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cocrea.computations.months import Month
from cocrea.core.provenance import Archivable, ArchivableManager, ArchivableQuerySet, FromDocument
from cocrea.core.versioning import Versioned
from cocrea.plans.models import Milestone, Organization


class MeetingQuerySet(ArchivableQuerySet["Meeting"]):
    def in_month(self, month: Month) -> MeetingQuerySet:
        return self.filter(planned_month=month.first_day())


class Meeting(Versioned, FromDocument, Archivable):
    """A scheduled meeting or event (reunión inicial, de trabajo, final)."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Reunión inicial")
        WORKING = "working", _("Reunión de trabajo")
        FINAL = "final", _("Reunión final")
        OTHER = "other", _("Otro evento")

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="meetings")
    position = models.PositiveSmallIntegerField(_("orden"))
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("número"), null=True, blank=True)
    title = models.CharField(_("título"), max_length=300)
    description = models.TextField(_("descripción"), blank=True)
    date_text = models.CharField(_("fecha (como en el documento)"), max_length=120, blank=True)
    planned_month = models.DateField(_("mes planificado"), null=True, blank=True)
    planned_end_month = models.DateField(_("último mes planificado"), null=True, blank=True)
    source_line = models.PositiveIntegerField(_("línea en el documento"), null=True, blank=True)
    status = models.CharField(
        _("estado"),
        max_length=10,
        choices=[
            ("scheduled", _("Programada")),
            ("held", _("Realizada")),
            ("postponed", _("Pospuesta")),
            ("cancelled", _("Cancelada")),
        ],
        default="scheduled",
    )
    actual_date = models.DateField(_("fecha real o nueva fecha"), null=True, blank=True)
    place = models.CharField(_("lugar o enlace"), max_length=300, blank=True)
    status_reason = models.TextField(_("motivo"), blank=True)
    starts_at = models.DateTimeField(_("inicio"), null=True, blank=True)
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    online_link = models.URLField(_("enlace en línea"), blank=True)
    capacity = models.PositiveIntegerField(_("cupo"), null=True, blank=True)
    minutes = models.TextField(_("acta"), blank=True)
    sequence = models.PositiveIntegerField(_("revisión del calendario"), default=0, editable=False)

    objects = ArchivableManager.from_queryset(MeetingQuerySet)()

    class Meta:
        ordering = ["milestone_id", "position"]
        verbose_name = _("reunión")
        verbose_name_plural = _("reuniones")
        constraints = [
            models.UniqueConstraint(fields=["milestone", "position"], name="meeting_unique_position")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:meeting", args=[self.pk])

    def signup_refusal(self, today: date) -> str:
        """Why nobody can sign up for the meeting on ``today`` ("" when they can): it was cancelled,
        held or archived, or its day (or, without one, its last planned month) has passed."""
        if self.status == "cancelled":
            return str(_("La reunión está cancelada."))
        if self.status == "held":
            return str(_("La reunión ya se realizó."))
        if self.is_archived:
            return str(_("La reunión está archivada: ya no forma parte del plan."))
        month = self.planned_end_month or self.planned_month
        if self.actual_date is not None:
            last_day = self.actual_date
        elif month is not None:
            last_day = Month.from_date(month).last_day()
        else:
            return ""
        if last_day < today:
            return str(_("La fecha de la reunión ya pasó."))
        return ""

    @property
    def code(self) -> str:
        """The meeting's number in the schedule: 0 for the initial one, ``final`` for the last."""
        if self.kind == self.Kind.INITIAL:
            return "0"
        if self.kind == self.Kind.FINAL:
            return "final"
        return str(self.number) if self.number is not None else str(self.position)


class AgendaItem(Versioned):
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("orden"))
    title = models.CharField(_("punto"), max_length=300)

    class Meta:
        ordering = ["meeting_id", "position"]
        verbose_name = _("punto de agenda")
        verbose_name_plural = _("agenda")

    def __str__(self) -> str:
        return self.title


class MeetingDocument(models.Model):
    """A document of a meeting (convocation, presentation, minutes as signed): a download."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="documents")
    title = models.CharField(_("título"), max_length=300)
    upload = models.ForeignKey("core.Upload", models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "created_at"]
        verbose_name = _("documento de la reunión")
        verbose_name_plural = _("documentos de la reunión")

    def __str__(self) -> str:
        return self.title


class Gender(models.TextChoices):
    FEMALE = "female", _("Mujer")
    MALE = "male", _("Hombre")
    OTHER = "other", _("Otro")


class AgeRange(models.TextChoices):
    UNDER_18 = "under_18", _("Menos de 18")
    A18_29 = "18_29", _("18 a 29")
    A30_44 = "30_44", _("30 a 44")
    A45_59 = "45_59", _("45 a 59")
    A60 = "60_plus", _("60 o más")


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Gobierno")
    CIVIL_SOCIETY = "civil_society", _("Sociedad civil")
    ACADEMIA = "academia", _("Academia")
    PRIVATE_SECTOR = "private_sector", _("Sector privado")
    INTERNATIONAL = "international", _("Cooperación internacional")
    CITIZEN = "citizen", _("Ciudadanía")
    OTHER = "other", _("Otro")


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        return self.filter(merged_into=None, anonymised_at=None)


class Person(Versioned):
    """A natural person (persona individual). Email, phone and statistics are private."""

    name = models.CharField(_("nombre"), max_length=200)
    match_key = models.CharField(max_length=200, db_index=True, editable=False)
    display_name = models.CharField(_("nombre público"), max_length=120, blank=True)
    email = models.EmailField(_("correo"), blank=True, db_index=True)
    phone = models.CharField(_("teléfono"), max_length=40, blank=True)
    # Optional, only with consent for statistics.
    gender = models.CharField(_("género"), max_length=10, choices=Gender.choices, blank=True)
    age_range = models.CharField(_("rango de edad"), max_length=10, choices=AgeRange.choices, blank=True)
    department = models.CharField(_("departamento"), max_length=40, blank=True)
    municipality = models.CharField(_("municipio"), max_length=80, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    # The language of the emails Cocrea sends the person (one of settings.LANGUAGES; blank: the site's).
    language = models.CharField(_("idioma de los correos"), max_length=10, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="person"
    )
    merged_into = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="merged", verbose_name=_("fusionada en")
    )
    anonymised_at = models.DateTimeField(_("anonimizada"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("persona individual")
        verbose_name_plural = _("personas individuales")

    def __str__(self) -> str:
        return self.name

    def consents_to(self, purpose: str) -> bool:
        return any(c.purpose == purpose and c.withdrawn_at is None for c in self.consents.all())

    @property
    def public_name(self) -> str | None:
        """What public pages may show: the chosen display name, only with consent."""
        if self.anonymised_at or not self.display_name or not self.consents_to(Consent.Purpose.PUBLIC_NAME):
            return None
        return self.display_name


class PersonMerge(models.Model):
    """One merge of a duplicate record into the person kept: who, when, and what moved, so that it
    can be undone (rows moved back, copied contact fields cleared) and read in the history."""

    keep = models.ForeignKey(Person, models.CASCADE, related_name="merges_kept", verbose_name=_("conservada"))
    duplicate = models.ForeignKey(
        Person, models.CASCADE, related_name="merges_folded", verbose_name=_("duplicada")
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_at = models.DateTimeField(_("fusionada"), auto_now_add=True)
    proposed = models.BooleanField(_("propuesta por la comparación"), default=True)
    moved = models.JSONField(_("registros movidos"), default=dict)
    copied = models.JSONField(_("datos copiados"), default=dict)
    undone_at = models.DateTimeField(_("deshecha"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("fusión de personas")
        verbose_name_plural = _("fusiones de personas")

    def __str__(self) -> str:
        return f"{self.duplicate_id} → {self.keep_id}"


class Consent(models.Model):
    """What text (version) a person agreed to, when, for which purpose."""

    class Purpose(models.TextChoices):
        STATISTICS = "statistics", _("Datos para estadísticas (género, edad, territorio, sector)")
        PUBLIC_NAME = "public_name", _("Mostrar mi nombre público")
        CONTACT = "contact", _("Recibir avisos por correo")

    person = models.ForeignKey(Person, models.CASCADE, related_name="consents")
    purpose = models.CharField(_("finalidad"), max_length=20, choices=Purpose.choices)
    text_version = models.CharField(_("versión del texto"), max_length=20)
    # The words the person read and accepted, in the language they read them (blank when staff
    # recorded a consent given on paper: the version names the text).
    text = models.TextField(_("texto aceptado"), blank=True)
    given_at = models.DateTimeField(_("otorgado"))
    withdrawn_at = models.DateTimeField(_("retirado"), null=True, blank=True)

    class Meta:
        ordering = ["person_id", "purpose", "-given_at"]
        verbose_name = _("consentimiento")
        verbose_name_plural = _("consentimientos")

    def __str__(self) -> str:
        return f"{self.person} — {self.get_purpose_display()}"


class Membership(Versioned):
    """A person represents an organisation, with a role, over a period."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="members")
    role = models.CharField(_("cargo"), max_length=120, blank=True)
    since = models.DateField(_("desde"), null=True, blank=True)
    until = models.DateField(_("hasta"), null=True, blank=True)

    class Meta:
        verbose_name = _("representación")
        verbose_name_plural = _("representaciones")
        constraints = [
            models.UniqueConstraint(fields=["person", "organization", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.organization}"


class AffiliationRequest(models.Model):
    """A person says they speak for an organisation; staff confirm it (a :class:`Membership` is
    then recorded) or refuse it. Until confirmed, nothing public names the organisation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pendiente de confirmación")
        CONFIRMED = "confirmed", _("Confirmada")
        REFUSED = "refused", _("No confirmada")
        WITHDRAWN = "withdrawn", _("Retirada")

    person = models.ForeignKey(Person, models.CASCADE, related_name="affiliation_requests")
    organization_name = models.CharField(_("organización indicada"), max_length=300)
    organization = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organización del registro"),
    )
    role = models.CharField(_("cargo"), max_length=120, blank=True)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("solicitada"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decidida"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("motivo"), blank=True)
    membership = models.ForeignKey(
        Membership, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("representación")
    )

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("solicitud de representación")
        verbose_name_plural = _("solicitudes de representación")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="pending"), name="affiliation_one_pending"
            )
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="affiliation_status")]

    def __str__(self) -> str:
        return f"{self.person} — {self.organization_name} ({self.get_status_display()})"


class Registration(models.Model):
    """A registered participant signs up for a meeting; past the capacity, a waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmada")
        WAITING = "waiting", _("En lista de espera")
        CANCELLED = "cancelled", _("Cancelada")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, models.CASCADE, related_name="registrations")
    organization = models.ForeignKey(Organization, models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("inscrita"), auto_now_add=True)
    reminded_at = models.DateTimeField(_("recordatorio enviado"), null=True, blank=True)

    class Meta:
        ordering = ["meeting_id", "created_at", "pk"]
        verbose_name = _("inscripción")
        verbose_name_plural = _("inscripciones")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="registration_unique")]

    def __str__(self) -> str:
        return f"{self.person} — {self.meeting} ({self.get_status_display()})"


class Attendance(models.Model):
    """Who came to a meeting, and for which organisation."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, models.CASCADE, related_name="attendance")
    organization = models.ForeignKey(
        Organization, models.SET_NULL, null=True, blank=True, related_name="attendance"
    )
    source = models.CharField(_("registrada por"), max_length=20, default="staff")

    class Meta:
        verbose_name = _("asistencia")
        verbose_name_plural = _("asistencias")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique")]
        indexes = [models.Index(fields=["person", "meeting"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.meeting}"


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def overdue(self, day: date) -> AgreementQuerySet:
        return self.filter(done_at=None, due_date__lt=day)


class Agreement(Versioned):
    """An action item agreed at a meeting, with an owner and a due date, tracked until done."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="agreements")
    text = models.TextField(_("acuerdo"))
    owner_organization = models.ForeignKey(
        Organization, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("responsable")
    )
    owner_text = models.CharField(_("responsable (texto)"), max_length=200, blank=True)
    due_date = models.DateField(_("fecha límite"), null=True, blank=True)
    done_at = models.DateField(_("cumplido el"), null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("acuerdo")
        verbose_name_plural = _("acuerdos")

    def __str__(self) -> str:
        return self.text[:80]


# --- The participation summary (derived; maintained by cocrea.participation.summary) -----------
# Foreign keys without database constraints and with DO_NOTHING: the ORM's cascades never load these
# rows, and the summary module removes them itself when a person, commitment or organisation goes.


class Participant(models.Model):
    """A (canonical) person who took part in a commitment's co-creation, from their first day.

    Gender, sector and department are copies of the person's, kept only while the person has an
    active consent for statistics (blank otherwise); ``public_name`` is their display name, only
    while they consent to show it (and are neither merged nor anonymised)."""

    commitment = models.ForeignKey(
        "plans.Commitment", models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    person = models.ForeignKey(
        Person, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    first_day = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=10, blank=True)
    sector = models.CharField(max_length=20, blank=True)
    department = models.CharField(max_length=40, blank=True)
    public_name = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = _("participante")
        verbose_name_plural = _("participantes")
        constraints = [models.UniqueConstraint(fields=["person", "commitment"], name="participant_unique")]
        indexes = [models.Index(fields=["commitment", "public_name"], name="participant_public_name")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.commitment_id}"


class ParticipantCount(models.Model):
    """How many participants of a commitment share a first day, gender, sector and department:
    ``Participant`` counted, kept up to date with it, so that indicator E reads a few hundred rows.
    A first day the participants have none of is stored as ``UNDATED`` (the last date)."""

    UNDATED = date.max

    commitment = models.ForeignKey(
        "plans.Commitment", models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    first_day = models.DateField()
    gender = models.CharField(max_length=10, blank=True)
    sector = models.CharField(max_length=20, blank=True)
    department = models.CharField(max_length=40, blank=True)
    people = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("recuento de participantes")
        verbose_name_plural = _("recuentos de participantes")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "first_day", "gender", "sector", "department"],
                name="participant_count_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.first_day}: {self.people}"


class ParticipantAffiliation(models.Model):
    """A (canonical) person took part in a commitment for an organisation, from the first day:
    what the organisations' summary is computed from when one person's rows change."""

    commitment = models.ForeignKey(
        "plans.Commitment", models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    person = models.ForeignKey(
        Person, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    first_day = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("participación por organización")
        verbose_name_plural = _("participaciones por organización")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "commitment", "organization"], name="participant_affiliation_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "commitment", "first_day"], name="participant_affiliation_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} / {self.organization_id} @ {self.commitment_id}"


class ParticipantOrganization(models.Model):
    """An organisation (legal person) that took part in a commitment's co-creation, from its first
    day; with copies of its kind and name, so that the list by kind and name reads an index."""

    commitment = models.ForeignKey(
        "plans.Commitment", models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, models.DO_NOTHING, db_constraint=False, related_name="participations"
    )
    first_day = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("organización participante")
        verbose_name_plural = _("organizaciones participantes")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "organization"], name="participant_organization_unique"
            )
        ]
        indexes = [
            models.Index(fields=["commitment", "first_day"], name="participant_organization_day"),
            models.Index(fields=["commitment", "kind", "name"], name="participant_organization_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} @ {self.commitment_id}"
