"""The "Mis aportes" page: a person's own contributions, hidden ones marked, with their status and the
reasoned answer, each linking to its place; paginated, in a bounded number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocrea.drafts.models import Contribution
from cocrea.participation.models import Person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "accounts:contributions"


def signed_in_as(person: Person) -> Client:
    """A client signed in with an account given to ``person`` (a sample participant)."""
    user = UserFactory(email=f"persona{person.pk}@example.org", verified_email=True)
    Person.objects.filter(pk=person.pk).update(user=user)
    client = Client()
    client.force_login(user)
    return client


def test_lists_only_ones_own_with_status_answers_and_links(sample):
    hidden = Contribution.objects.exclude(hidden_at=None).get()
    person = hidden.person
    mine = list(Contribution.objects.filter(person=person))
    assert len(mine) >= 2
    others = Contribution.objects.exclude(person=person)
    client = signed_in_as(person)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    page = response.content.decode()
    for contribution in mine:
        assert f"#aporte-{contribution.pk}" in page  # "Ver en su contexto" leads to it
    for contribution in others[:20]:
        assert f'#aporte-{contribution.pk}"' not in page
    # The hidden one: marked, with the public reason, and its text shown to its author only.
    assert "Oculto por moderación" in page and hidden.hidden_reason in page
    assert hidden.text[:40] in page
    assert hidden.text[:40] not in Client().get(hidden.get_absolute_url().split("#")[0]).content.decode()
    # Answers: the decision and the reason.
    for contribution in mine:
        response_row = getattr(contribution, "response", None)
        if response_row is not None:
            assert response_row.get_decision_display() in page
            assert response_row.reason.split("\n")[0][:40] in page


def test_answered_contributions_show_the_reasoned_answer(sample):
    answered = Contribution.objects.exclude(response=None).filter(hidden_at=None).first()
    client = signed_in_as(answered.person)
    page = client.get(reverse(URL)).content.decode()
    assert "Respuesta:" in page and answered.response.get_decision_display() in page
    assert answered.response.reason[:40] in page
    assert "Respondido" in page


def test_paginated_and_bounded_in_queries(sample):
    person = Contribution.objects.first().person
    client = signed_in_as(person)
    url = reverse(URL)
    client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    version = sample.versions[2]
    paragraph = version.paragraphs.first()
    Contribution.objects.bulk_create(
        [
            Contribution(version=version, paragraph=paragraph, person=person, text=f"Nuevo {n:02d}")
            for n in range(45)
        ]
    )
    with CaptureQueriesContext(connection) as many:
        first = client.get(url).content.decode()
    assert len(many) == len(few)
    assert "Nuevo 44" in first and "Nuevo 00" not in first  # newest first, 20 a page
    assert "Página 1 de" in first and 'rel="next"' in first
    last = client.get(url, {"pagina": 3}).content.decode()
    assert "Página 3 de" in last
    assert client.get(url, {"pagina": "9999"}).status_code == 200
    assert client.get(url, {"pagina": "x'--"}).status_code == 200


def test_a_person_without_contributions_and_the_header_link(imported_seed):
    user = UserFactory(verified_email=True)
    client = Client()
    client.force_login(user)
    page = client.get(reverse(URL)).content.decode()
    assert "Todavía no ha hecho aportes" in page
    assert f'href="{reverse(URL)}"' in client.get("/").content.decode()  # the header's link
    assert f'href="{reverse(URL)}"' in client.get(reverse("accounts:profile")).content.decode()
    assert not Person.objects.filter(user=user).exists()  # reading creates nothing


def test_anonymous_is_asked_to_sign_in(client, imported_seed):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert f'href="{reverse(URL)}"' not in client.get("/").content.decode()


def test_contributions_made_on_the_page_appear_with_the_name_shown(sample):
    from cocrea.participation.services import give_own_consent, update_profile

    user = UserFactory(email="pepa@example.org", verified_email=True)
    client = Client()
    client.force_login(user)
    version = sample.versions[2]
    paragraph = version.paragraphs.get(position=2)
    form = client.get(paragraph.get_absolute_url()).content.decode()
    assert "Su aporte se publica como «Participante»" in form
    client.post(version.get_contribute_url(), {"paragraph": str(paragraph.key), "text": "Mi primer aporte"})
    page = client.get(reverse(URL)).content.decode()
    assert "Mi primer aporte" in page and "Sin respuesta todavía" in page and "«Participante»" in page
    person = Person.objects.get(user=user)
    update_profile(person, public_name="Pepa", show_name=True)
    give_own_consent(person, "public_name")
    assert "«Pepa»" in client.get(reverse(URL)).content.decode()
    assert "Su aporte se publica como «Pepa»" in client.get(paragraph.get_absolute_url()).content.decode()
