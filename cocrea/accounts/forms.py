"""A citizen's forms: what sign-up asks besides the email and password, and the profile's choices
(public name and its consent, language of the emails, the organisation one speaks for)."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cocrea.participation.consents import current_text
from cocrea.participation.models import Consent
from cocrea.participation.services import give_own_consent, register_person, request_affiliation
from cocrea.participation.services.affiliations import NAME_MAX, ROLE_MAX
from cocrea.participation.services.profile import PUBLIC_NAME_MAX, clean_public_name
from cocrea.plans.models import Organization

#: How many of the registry's organisations the organisation field suggests.
ORGANIZATIONS_OFFERED = 500


class OrganizationInput(forms.TextInput):
    """Free text with the registry's organisations offered as suggestions (an HTML datalist)."""

    def __init__(self, list_id: str = "organizaciones") -> None:
        super().__init__(attrs={"list": list_id, "autocomplete": "organization"})


class PublicNameFields(forms.Form):
    """The public name, and the consent to show it (with the text in force and its version)."""

    public_name = forms.CharField(
        label=_("Nombre público"),
        max_length=PUBLIC_NAME_MAX,
        required=False,
        help_text=_("El nombre que verán los demás junto a sus aportes. Puede ser su nombre o un seudónimo."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    show_name = forms.BooleanField(label=_("Acepto el texto de arriba"), required=False)

    @property
    def consent(self) -> Any:
        return current_text(Consent.Purpose.PUBLIC_NAME)

    def clean_public_name(self) -> str:
        return clean_public_name(self.cleaned_data.get("public_name", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("show_name") and not cleaned.get("public_name"):
            self.add_error("public_name", _("Escriba el nombre que quiere mostrar, o no marque la casilla."))
        return cleaned


class AffiliationFields(forms.Form):
    organization = forms.CharField(
        label=_("Organización en cuyo nombre habla (opcional)"),
        max_length=NAME_MAX,
        required=False,
        help_text=_(
            "Si participa en nombre de una institución u organización. El personal lo confirmará; "
            "hasta entonces sus aportes se publican a título personal."
        ),
        widget=OrganizationInput(),
    )
    role = forms.CharField(
        label=_("Su cargo en ella (opcional)"),
        max_length=ROLE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )

    @property
    def organizations(self) -> Any:
        """The registry's organisations, offered as suggestions (bounded)."""
        return Organization.objects.order_by("name").only("name", "acronym")[:ORGANIZATIONS_OFFERED]

    def clean_organization(self) -> str:
        return " ".join(self.cleaned_data.get("organization", "").split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("role") and not cleaned.get("organization"):
            self.add_error("organization", _("Indique la organización de ese cargo."))
        return cleaned


class SignupForm(PublicNameFields, AffiliationFields):
    """allauth's sign-up (``ACCOUNT_SIGNUP_FORM_CLASS``) adds these fields to the email and password;
    :meth:`signup` records the person, the consent with the text shown, and the request."""

    def signup(self, request: HttpRequest, user: Any) -> None:

        data = self.cleaned_data
        name = data.get("public_name") or user.email.split("@")[0]
        person = register_person(
            name=name,
            email=user.email,
            display_name=data.get("public_name", ""),
            user=user,
            language=get_language() or settings.LANGUAGE_CODE,
        )
        if data.get("show_name"):
            give_own_consent(person, Consent.Purpose.PUBLIC_NAME)
        if data.get("organization"):
            # A new person has no request nor membership yet: nothing for the service to refuse.
            with suppress(ValidationError):
                request_affiliation(person, data["organization"], data.get("role", ""))


class ProfileForm(PublicNameFields):
    language = forms.ChoiceField(
        label=_("Idioma de los correos"),
        choices=(),
        required=False,
        help_text=_("Confirmaciones de reuniones, recordatorios y respuestas a sus aportes."),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, str(name)) for code, name in settings.LANGUAGES]  # type: ignore[attr-defined]


class AffiliationForm(AffiliationFields):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].required = True
        self.fields["organization"].label = _("Organización en cuyo nombre habla")
