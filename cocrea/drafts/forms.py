"""Staff forms for co-creation: documents, drafts, the workflow, responses and moderation.

The forms parse and check input; every write goes through :mod:`cocrea.drafts.services`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cocrea.computations.drafttext import MAX_TEXT_CHARS, DraftFormatError, parse_markdown
from cocrea.drafts.models import Decision, Document, Paragraph
from cocrea.drafts.services import LIMIT_CODES, draft_error_message

MARKDOWN_LIMIT = MAX_TEXT_CHARS  # the browser stops typing here; clean_markdown says why
WORDS_IN_LABEL = 8


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateTimeField(forms.DateTimeField):
    """A date and time typed in the browser's ``datetime-local`` control (local time zone)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateTimeInput())
        super().__init__(input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"], **kwargs)


class VersionField(forms.IntegerField):
    """The version the editor started from (optimistic locking); hidden."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.HiddenInput, min_value=1, **kwargs)


# --- documents and drafts ---------------------------------------------------------------------


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=300)
    kind = forms.ChoiceField(label=_("Tipo de documento"), choices=Document.Kind.choices)
    description = forms.CharField(
        label=_("Descripción"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    activity = forms.ModelChoiceField(
        label=_("Actividad del plan"),
        queryset=None,
        required=False,
        empty_label=_("(ninguna)"),
        help_text=_("La actividad del hito que produce este documento, si la hay."),
    )

    def __init__(self, *args: Any, milestone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        field.queryset = milestone.activities.order_by("position", "pk")
        field.label_from_instance = lambda activity: f"{activity.code}. {activity.title}"


class VersionDetailsForm(forms.Form):
    """What every new version may say about itself: its name and what changed."""

    label = forms.CharField(
        label=_("Nombre de la versión"),
        required=False,
        max_length=120,
        help_text=_("Por omisión «Borrador N»."),
    )
    notes = forms.CharField(
        label=_("Qué cambió"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DraftImportForm(VersionDetailsForm):
    field_order = ["file", "document_title", "label", "notes"]

    file = forms.FileField(
        label=_("Archivo del borrador (DOCX o Markdown, hasta 5 MB)"),
        help_text=_(
            "En un DOCX, los títulos (Título 1, 2, …) se vuelven secciones. El tipo se juzga por "
            "el contenido, no por el nombre."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.md,.markdown,.txt"}),
    )
    document_title = forms.CharField(
        label=_("Título del documento"),
        required=False,
        max_length=300,
        help_text=_(
            "Si ya existe un documento con este título, el archivo será su versión siguiente. "
            "Si lo deja vacío, se usa el título del archivo."
        ),
    )


def _markdown_widget() -> forms.Textarea:
    return forms.Textarea(attrs={"rows": 24, "class": "markdown-editor", "maxlength": MARKDOWN_LIMIT})


def check_draft_limits(markdown: str) -> str:
    """``markdown``, or a ValidationError when it is over a draft's limits (its size, its number of
    paragraphs): the same limits as an imported file, said before anything is written."""

    try:
        parse_markdown(markdown)
    except DraftFormatError as error:
        if error.code in LIMIT_CODES:
            raise forms.ValidationError(draft_error_message(error), code=error.code) from error
        # Other problems (no text at all) are the view's to show, with the preview.
    return markdown


class NewVersionForm(VersionDetailsForm):
    field_order = ["markdown", "label", "notes"]

    markdown = forms.CharField(
        label=_("Texto de la nueva versión (Markdown)"),
        strip=False,
        widget=_markdown_widget(),
        help_text=_(
            "Un título con «#» abre una sección («##» una subsección); deje una línea en blanco "
            "entre párrafos. Los párrafos que siguen iguales o parecidos conservan sus aportes."
        ),
    )

    def clean_markdown(self) -> str:
        return check_draft_limits(self.cleaned_data["markdown"])


class ReviseDraftForm(forms.Form):
    markdown = forms.CharField(
        label=_("Texto de la versión (Markdown)"),
        strip=False,
        widget=_markdown_widget(),
        help_text=_(
            "Un título con «#» abre una sección («##» una subsección); deje una línea en blanco "
            "entre párrafos."
        ),
    )
    edit_version = VersionField()

    def clean_markdown(self) -> str:
        return check_draft_limits(self.cleaned_data["markdown"])


# --- the workflow -----------------------------------------------------------------------------


class OpenForm(forms.Form):
    opens_at = DateTimeField(
        label=_("Abre el"), required=False, help_text=_("Si lo deja vacío, la consulta abre ahora.")
    )
    closes_at = DateTimeField(label=_("Cierra el"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("La consulta debe cerrar después de abrir."))
        return cleaned


class ReopenForm(forms.Form):
    closes_at = DateTimeField(label=_("Nueva fecha de cierre"))


# --- contributions ----------------------------------------------------------------------------


def paragraph_label(paragraph: Paragraph) -> str:
    words = paragraph.text.split()
    first = " ".join(words[:WORDS_IN_LABEL])
    if len(words) > WORDS_IN_LABEL:
        first += " …"
    return f"§{paragraph.number} — {first}"


def paragraph_choices(paragraphs: Iterable[Paragraph]) -> list[tuple[str, Any]]:
    """Paragraphs grouped by their section (numbers restart in each section)."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    current = None
    for paragraph in paragraphs:
        if paragraph.section_id != current:
            current = paragraph.section_id
            groups.append((str(paragraph.section), []))
        groups[-1][1].append((str(paragraph.pk), paragraph_label(paragraph)))
    return groups  # type: ignore[return-value]


class ResponseForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decisión"), choices=[("", "—"), *Decision.choices])
    reason = forms.CharField(
        label=_("Razón de la decisión"),
        max_length=10_000,
        error_messages={"required": _("La razón de la decisión es obligatoria.")},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Se publica junto al aporte."),
    )
    resulting_paragraphs = forms.MultipleChoiceField(
        label=_("Párrafos de la versión siguiente que lo recogen"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Solo para aportes aceptados o aceptados en parte."),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, paragraphs: list[Paragraph] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paragraphs = {str(p.pk): p for p in paragraphs or []}
        if paragraphs:
            self.fields["resulting_paragraphs"].choices = paragraph_choices(paragraphs)
        else:
            del self.fields["resulting_paragraphs"]

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("La razón de la decisión es obligatoria."))
        return reason

    def chosen_paragraphs(self) -> list[Paragraph]:
        return [self.paragraphs[pk] for pk in self.cleaned_data.get("resulting_paragraphs", [])]


class ContributionFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", _("Todos")),
        ("unanswered", _("Sin respuesta")),
        ("answered", _("Respondidos")),
    ]

    estado = forms.ChoiceField(label=_("Respuesta"), choices=STATUS_CHOICES, required=False)
    decision = forms.ChoiceField(
        label=_("Decisión"), choices=[("", _("Cualquiera")), *Decision.choices], required=False
    )
    parrafo = forms.TypedChoiceField(label=_("Párrafo"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, paragraphs: list[Paragraph], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parrafo"].choices = [("", _("Todos")), *paragraph_choices(paragraphs)]


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo (se muestra en público)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("El motivo es obligatorio y se muestra en público.")},
    )
