"""Staff forms for the catalogue: entries, and applying them in the paragraphs of a version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cocrea.catalogue.models import Entry
from cocrea.plans.forms import DateInput


class EntryForm(forms.ModelForm):
    """Create or edit an entry; ``edit_version`` is the version the editor started from."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    link = forms.URLField(label=_("Enlace"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Entry
        fields = ["kind", "name", "description", "issuer", "number", "issued_on", "link"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "issued_on": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_version"].initial = self.instance.edit_version
            self.fields["edit_version"].required = True

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def entry_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class EntryFilterForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Tipo"), choices=[("", _("Todos")), *Entry.Kind.choices], required=False)
    buscar = forms.CharField(label=_("Buscar por nombre o número"), max_length=200, required=False)


def entry_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Every entry, grouped by kind, for the select that applies one to a paragraph (one query)."""
    labels = dict(Entry.Kind.choices)
    groups: dict[str, list[tuple[int, str]]] = {}
    for entry in Entry.objects.order_by("kind", "name").only("pk", "kind", "name", "number"):
        groups.setdefault(entry.kind, []).append((entry.pk, str(entry)))
    return [(str(labels.get(kind, kind)), rows) for kind, rows in groups.items()]


class ApplyEntryForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Entrada del catálogo"), queryset=Entry.objects.all())
