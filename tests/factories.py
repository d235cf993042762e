"""Factories (factory-boy) for the objects tests build again and again.

    UserFactory()                                         an account; password PASSWORD
    UserFactory(role=Role.EDITOR, organization=inap)      a role, granted through grant_role, and
                                                          two-step verification (staff need it)
    UserFactory(role=Role.AUDITOR, two_step=False)        a role without the second factor yet
    StaffFactory(email="ana@inap.gob.gt")                 superuser, verified email, two-step
    OrganizationFactory(acronym="OSA")
    MeetingFactory(milestone=milestone)                   at the milestone's next position
    PersonFactory(email="rosa@example.org")               through participation's register_person

Users come back fresh from the database, so no role or permission is cached on them.
"""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.db.models import Max
from factory.django import DjangoModelFactory

from cocrea.accounts.services import grant_role
from cocrea.participation.models import Meeting, Person
from cocrea.participation.services import register_person
from cocrea.plans.models import Organization

PASSWORD = "x-Strong-Pass-42"
SCOPES = ("organization", "commitment", "milestone", "action_plan")


class UserFactory(DjangoModelFactory):
    """An account. ``role=`` grants a role (scoped by ``organization=``, ``commitment=`` or
    ``milestone=``) and sets up two-step verification unless ``two_step=False``;
    ``verified_email=True`` records the email as verified (allauth)."""

    class Meta:
        model = settings.AUTH_USER_MODEL

    username = factory.Sequence(lambda n: f"persona{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = PASSWORD

    @classmethod
    def _create(  # type: ignore[override]
        cls,
        model_class: Any,
        *args: Any,
        role: str | None = None,
        two_step: bool | None = None,
        verified_email: bool = False,
        **fields: Any,
    ) -> Any:
        scope = {name: fields.pop(name) for name in SCOPES if name in fields}
        assert role or not scope, "a scope without a role"
        user = cls._make(model_class, *args, **fields)
        if verified_email:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if role:
            grant_role(user, role, **scope)
        if two_step if two_step is not None else bool(role):
            TOTP.activate(user, generate_totp_secret())
        return model_class._default_manager.get(pk=user.pk)

    @classmethod
    def _make(cls, model_class: Any, *args: Any, **fields: Any) -> Any:
        return model_class._default_manager.create_user(*args, **fields)


class StaffFactory(UserFactory):
    """A superuser with a verified email and two-step verification (the tests' ``staff``)."""

    username = factory.LazyAttribute(lambda user: user.email.split("@")[0])
    email = factory.Sequence(lambda n: f"equipo{n}@inap.gob.gt")

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **fields: Any) -> Any:  # type: ignore[override]
        fields.setdefault("verified_email", True)
        fields.setdefault("two_step", True)
        return super()._create(model_class, *args, **fields)

    @classmethod
    def _make(cls, model_class: Any, *args: Any, **fields: Any) -> Any:
        return model_class._default_manager.create_superuser(*args, **fields)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organización {n}")
    acronym = ""


def _next_position(meeting: Any) -> int:
    last = Meeting.objects.filter(milestone=meeting.milestone).aggregate(Max("position"))["position__max"]
    return (last or 0) + 1


class MeetingFactory(DjangoModelFactory):
    """A meeting of ``milestone`` (required), after the ones it has."""

    class Meta:
        model = Meeting

    position = factory.LazyAttribute(_next_position)
    kind = "working"
    number = factory.LazyAttribute(lambda meeting: meeting.position)
    title = factory.Sequence(lambda n: f"Reunión de trabajo {n}")


class PersonFactory(DjangoModelFactory):
    """A natural person, registered through ``participation.services.register_person``."""

    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Persona {n}")

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **fields: Any) -> Any:
        return register_person(**fields)
