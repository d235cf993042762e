"""The public page cache (cocrea/core/pagecache.py, README "Cache").

Anonymous public pages are served whole from the cache, without the database; signed-in visitors
never are; a write through a service shows on the next request of every page that shows it;
ETag/Last-Modified/Cache-Control on public pages and 304 on a matching conditional request.
Runs on SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import gzip
import itertools
import re

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from cocrea.core import pagecache
from cocrea.participation import services as participation
from cocrea.participation.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, empty_page_caches):  # type: ignore[no-untyped-def]
    settings.PAGE_CACHE = True
    settings.CONTENT_CACHE = True  # as deployed: a page the cache misses is built from kept blocks


@pytest.fixture
def meeting(milestone):  # type: ignore[no-untyped-def]
    return Meeting.objects.filter(milestone=milestone).order_by("pk").first()


def test_an_anonymous_public_page_is_served_from_the_cache_without_the_database(
    page_cache, milestone, django_assert_num_queries
):
    client = Client()
    first = client.get(milestone.get_absolute_url())
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=60, must-revalidate"
    assert first["ETag"] and first["Last-Modified"]
    with django_assert_num_queries(0):
        second = client.get(milestone.get_absolute_url())
    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    # The stack outside the cache still runs: security headers are there.
    assert second["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in second
    assert "csrfmiddlewaretoken" not in second.content.decode()


def test_head_is_served_from_the_same_entry(page_cache, milestone, django_assert_num_queries):
    client = Client()
    body = client.get(milestone.get_absolute_url()).content
    with django_assert_num_queries(0):
        head = client.head(milestone.get_absolute_url())
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(body))


def test_signed_in_visitors_never_get_a_cached_page(page_cache, milestone, staff_client):
    anonymous = Client().get(milestone.get_absolute_url())
    assert "Cerrar sesión" not in anonymous.content.decode()
    for _ in range(2):
        response = staff_client.get(milestone.get_absolute_url())
        assert "Cerrar sesión" in response.content.decode()
        assert response["Cache-Control"] == "private, no-cache"
        assert "ETag" not in response


def test_a_conditional_request_gets_304(page_cache, milestone, django_assert_num_queries):
    client = Client()
    first = client.get(milestone.get_absolute_url())
    with django_assert_num_queries(0):
        again = client.get(milestone.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    since = client.get(milestone.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    other = client.get(milestone.get_absolute_url(), HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200


def test_each_language_and_query_string_is_its_own_entry(page_cache, milestone, django_assert_num_queries):
    spanish = Client().get(milestone.get_absolute_url())
    assert 'lang="es"' in spanish.content.decode()
    english_client = Client()
    english_client.cookies["django_language"] = "en"
    english = english_client.get(milestone.get_absolute_url())
    assert 'lang="en"' in english.content.decode()
    with django_assert_num_queries(0):
        assert 'lang="en"' in english_client.get(milestone.get_absolute_url()).content.decode()
        assert 'lang="es"' in Client().get(milestone.get_absolute_url()).content.decode()
    october = Client().get(milestone.get_schedule_url() + "?hoy=2019-10-15").content
    march = Client().get(milestone.get_schedule_url() + "?hoy=2020-03-15").content
    assert october != march


def test_the_language_switch_works_without_a_token(page_cache, milestone):
    client = Client(enforce_csrf_checks=True)
    client.get(milestone.get_absolute_url())
    response = client.post(reverse("set_language"), {"language": "en", "next": milestone.get_absolute_url()})
    assert response.status_code == 302
    assert 'lang="en"' in client.get(milestone.get_absolute_url()).content.decode()


def test_a_visitor_with_a_session_or_messages_bypasses_the_cache(page_cache, milestone):
    Client().get(milestone.get_absolute_url())
    client = Client()
    client.cookies["sessionid"] = "whatever"
    response = client.get(milestone.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


def test_private_pages_are_not_marked_public(page_cache, staff_client):
    response = staff_client.get(reverse("staff:home"))
    assert "public" not in response.get("Cache-Control", "")


def test_a_write_shows_on_the_next_request(page_cache, committed, meeting, staff):
    client = Client()
    url = reverse("participation:meeting", args=[meeting.pk])
    before = client.get(url)
    assert before.status_code == 200
    with committed():
        participation.add_agenda_item(meeting, title="Punto nuevo del orden del día", by=staff)
    assert "Punto nuevo del orden del día" in client.get(url).content.decode()


def test_a_write_rolled_back_bumps_nothing(page_cache, meeting, staff, django_assert_num_queries):
    client = Client()
    url = reverse("participation:meeting", args=[meeting.pk])
    client.get(url)
    pagecache.forget_scheduled()
    participation.add_agenda_item(meeting, title="Nunca", by=staff)  # its hooks never run
    with django_assert_num_queries(0):
        assert "Nunca" not in client.get(url).content.decode()


def test_writes_elsewhere_leave_a_page_cached(page_cache, committed, meeting, sample_cocreation, staff):
    """Exact: a new agenda point in a meeting does not touch the catalogue."""
    client = Client()
    catalogue = reverse("catalogue:entries")
    client.get(catalogue)
    key_versions = pagecache.current_versions([pagecache.CATALOGUE])
    with committed():
        participation.add_agenda_item(meeting, title="Otro punto", by=staff)
    assert pagecache.current_versions([pagecache.CATALOGUE]) == key_versions


# -- Compressed copies: gzip for the clients that accept it ------------------------------------------

BROWSER = "gzip, deflate, br, zstd"


def test_a_page_is_sent_compressed_only_to_a_client_that_accepts_gzip(
    page_cache, milestone, django_assert_num_queries
):
    url = milestone.get_schedule_url()
    compressed = Client().get(url, HTTP_ACCEPT_ENCODING=BROWSER)  # stored, and answered compressed
    assert compressed["Content-Encoding"] == "gzip"
    with django_assert_num_queries(0):
        plain = Client().get(url)
        again = Client().get(url, HTTP_ACCEPT_ENCODING=BROWSER)
        refused = Client().get(url, HTTP_ACCEPT_ENCODING="gzip;q=0, br")
        head = Client().head(url, HTTP_ACCEPT_ENCODING=BROWSER)
    assert "Content-Encoding" not in plain and "Content-Encoding" not in refused
    assert refused.content == plain.content
    assert again.content == compressed.content
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) * 4 < len(plain.content)
    assert compressed["Content-Length"] == str(len(compressed.content))
    assert plain["Content-Length"] == str(len(plain.content))
    # Each representation has its own strong ETag; both say a cache must key on the encoding.
    assert compressed["ETag"] != plain["ETag"]
    for response in (compressed, plain):
        assert {"Cookie", "Accept-Encoding"} <= {v.strip() for v in response["Vary"].split(",")}
    assert head.content == b"" and head["Content-Length"] == compressed["Content-Length"]
    assert head["Content-Encoding"] == "gzip"


def test_a_conditional_request_gets_304_for_the_representation_it_would_be_sent(page_cache, milestone):
    url = milestone.get_absolute_url()
    compressed = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    plain = Client().get(url)

    def get(etag: str, accept: str | None):  # type: ignore[no-untyped-def]
        headers = {"HTTP_IF_NONE_MATCH": etag} | ({"HTTP_ACCEPT_ENCODING": accept} if accept else {})
        return Client().get(url, **headers)

    gzip_304 = get(compressed["ETag"], "gzip, br")
    assert gzip_304.status_code == 304 and gzip_304["ETag"] == compressed["ETag"]
    assert "Accept-Encoding" in gzip_304["Vary"]
    plain_304 = get(plain["ETag"], None)
    assert plain_304.status_code == 304 and plain_304["ETag"] == plain["ETag"]
    # An ETag of the other representation does not match: the page is sent as this client takes it.
    crossed = get(compressed["ETag"], None)
    assert crossed.status_code == 200 and crossed.content == plain.content
    crossed = get(plain["ETag"], "gzip")
    assert crossed.status_code == 200 and crossed["Content-Encoding"] == "gzip"


def test_a_write_replaces_both_representations(page_cache, committed, meeting, staff):
    url = reverse("participation:meeting", args=[meeting.pk])
    old_plain = Client().get(url).content
    old_compressed = Client().get(url, HTTP_ACCEPT_ENCODING="gzip").content
    assert gzip.decompress(old_compressed) == old_plain
    with committed():
        participation.add_agenda_item(meeting, title="Punto comprimido", by=staff)
    plain = Client().get(url).content.decode()
    compressed = gzip.decompress(Client().get(url, HTTP_ACCEPT_ENCODING="gzip").content).decode()
    assert "Punto comprimido" in plain
    assert compressed == plain


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br, zstd", True),
        ("gzip", True),
        ("GZIP;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("br;q=1.0, gzip;q=0", False),
        ("gzip;q=0.0, *", False),  # gzip named and refused: the wildcard does not bring it back
        ("*;q=0", False),
        ("br, deflate", False),
        ("identity", False),
        ("gzip;q=nonsense", False),
        ("", False),
        (None, False),
    ],
)
def test_which_accept_encoding_takes_gzip(header, accepted):
    assert pagecache.accepts_gzip(header) is accepted


def test_what_is_not_worth_compressing_is_stored_once():
    small = HttpResponse(b"<p>" + b"x" * 100 + b"</p>", content_type="text/html; charset=utf-8")
    pdf = HttpResponse(b"%PDF-" + b"x" * 4000, content_type="application/pdf")
    text = HttpResponse(b"<p>" + b"palabra " * 1000 + b"</p>", content_type="text/html; charset=utf-8")
    for response in (small, pdf):
        identity, for_gzip = pagecache._representations(response)
        assert for_gzip is identity  # a client that accepts gzip gets the page as it is
        assert "Accept-Encoding" not in response["Vary"]
    identity, (body, headers, etag, _last_modified, vary) = pagecache._representations(text)
    assert gzip.decompress(body) == text.content == identity[0]
    assert ("Content-Encoding", "gzip") in headers and ("Content-Length", str(len(body))) in headers
    assert ("ETag", etag) in headers and etag != identity[2]
    assert vary == identity[4] == "Cookie, Accept-Encoding"


# -- The property: after any write through any service, every affected page shows it ---------------

TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyzáéíóúñ", min_size=6, max_size=20).map(
    lambda word: "Zq" + word
)


def _agenda(meeting, staff, text):  # type: ignore[no-untyped-def]
    participation.add_agenda_item(meeting, title=text, by=staff)
    return [reverse("participation:meeting", args=[meeting.pk])]


def _edit_agenda(meeting, staff, text):  # type: ignore[no-untyped-def]
    item = meeting.agenda.order_by("pk").first() or participation.add_agenda_item(
        meeting, title="x", by=staff
    )
    participation.edit_agenda_item(item, title=text, by=staff)
    return [reverse("participation:meeting", args=[meeting.pk])]


def _agreement(meeting, staff, text):  # type: ignore[no-untyped-def]
    participation.add_agreement(meeting, text=text, owner_text="INAP", by=staff)
    return [reverse("participation:meeting", args=[meeting.pk])]


def _meeting_title(meeting, staff, text):  # type: ignore[no-untyped-def]
    from cocrea.participation.services.schedule import edit_meeting

    meeting.refresh_from_db()
    edit_meeting(
        meeting,
        expected_version=meeting.edit_version,
        title=text,
        kind=meeting.kind,
        place=meeting.place,
        capacity=meeting.capacity,
        description=meeting.description,
        by=staff,
    )
    return [reverse("participation:meeting", args=[meeting.pk]), meeting.milestone.get_schedule_url()]


def _catalogue_entry(meeting, staff, text):  # type: ignore[no-untyped-def]
    from cocrea.catalogue import services as catalogue

    # Hypothesis' examples share the test's transaction: each entry gets a name of its own.
    entry = catalogue.create_entry(
        name=f"{text} {next(SERIAL)}", kind="concept", description="Una definición."
    )
    return [reverse("catalogue:entries"), reverse("catalogue:entry", args=[entry.pk])]


SERIAL = itertools.count(1)
WRITES = [_agenda, _edit_agenda, _agreement, _meeting_title, _catalogue_entry]


@pytest.mark.slow
@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=st.lists(st.tuples(st.sampled_from(WRITES), TEXT), min_size=1, max_size=3))
def test_after_any_write_every_affected_page_shows_it(page_cache, committed, meeting, staff, writes):
    """For a visitor (the page cache) and for a citizen signed in (the pages' kept blocks,
    cocrea/core/content.py)."""
    from tests.factories import UserFactory

    client = Client()
    citizen = Client()
    citizen.force_login(UserFactory())
    pages = {
        reverse("portal:home"),
        reverse("participation:meeting", args=[meeting.pk]),
        meeting.milestone.get_schedule_url(),
        reverse("catalogue:entries"),
    }
    for url in pages:
        for reader in (client, citizen):
            assert reader.get(url).status_code == 200  # every page cached before the writes
    for write, text in writes:
        with committed():
            affected = write(meeting, staff, text)
        for url in affected:
            for reader in (client, citizen):
                html = reader.get(url).content.decode()
                assert text in html, (write.__name__, url, reader is citizen)
    # And a page stays cached when nothing it shows changed: a second request runs no query.
    assert re.search("Zq", client.get(affected[0]).content.decode())


def test_pages_and_versions_in_redis(settings, committed, meeting, staff, django_assert_num_queries):
    """Production: CACHE_URL=redis://… puts pages and versions in Redis (DB 7 in the tests)."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/7").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    backend = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:6379/7", "KEY_PREFIX": "test-page"},
        "versions": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:6379/7", "KEY_PREFIX": "test-pagev"},
    }
    settings.PAGE_CACHE = True
    caches["pages"].clear()
    pagecache.forget_scheduled()
    client = Client()
    url = reverse("participation:meeting", args=[meeting.pk])
    first = client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).content == first.content
    with committed():
        participation.add_agenda_item(meeting, title="Punto en Redis", by=staff)
    assert "Punto en Redis" in client.get(url).content.decode()
    caches["pages"].clear()
