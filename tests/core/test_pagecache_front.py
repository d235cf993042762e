"""The page cache's cheap hit path (cocrea/core/pagecache.py, README "Cache"): the WSGI front that
answers a stored page before Django's request handling, as the middleware would answer it; the
versions kept while their directory is unchanged; public pages resolved once per path."""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import time
from typing import Any

import pytest
from django.core import signals
from django.core.cache.backends.filebased import FileBasedCache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client

from cocrea.core import logs, pagecache
from cocrea.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, empty_page_caches):  # type: ignore[no-untyped-def]
    settings.PAGE_CACHE = True


@pytest.fixture
def json_lines():  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger(logs.REQUEST_LOGGER)
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


class Served:
    """One WSGI call of cocrea.wsgi's application, and whether Django's handler was reached."""

    def __init__(self, path: str, method: str = "GET", **headers: str) -> None:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            **headers,
        }
        django_application = WSGIHandler()  # its middleware built with this test's settings
        self.reached_django = False

        def spy(environ: dict[str, Any], start_response: Any) -> Any:
            self.reached_django = True
            return django_application(environ, start_response)

        front = pagecache.CachedPagesFirst(spy)

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            self.status = status
            self.headers = {name.lower(): value for name, value in headers}

        # As Django's test client does: the request signals leave the test's database connection
        # (and its transaction) alone.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            chunks = front(environ, start_response)
            self.body = b"".join(chunks)
            if hasattr(chunks, "close"):
                chunks.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


def test_the_production_application_is_the_front_before_django():
    assert isinstance(application, pagecache.CachedPagesFirst)


def test_a_stored_page_is_answered_in_front_of_django_as_the_middleware_answers_it(
    page_cache, milestone, json_lines, django_assert_num_queries
):
    url = milestone.get_absolute_url()
    stored = Client().get(url)  # through Django's stack: stored
    assert stored.status_code == 200
    with django_assert_num_queries(0):
        served = Served(url)
    assert not served.reached_django
    assert served.status == "200 OK"
    assert served.body == stored.content
    # Every header the stack made is there: security, CSP, language, the public cache headers.
    for name in (
        "Content-Type",
        "X-Frame-Options",
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Content-Language",
        "ETag",
        "Last-Modified",
        "Cache-Control",
        "Vary",
    ):
        assert served.headers[name.lower()] == stored[name], name
    assert served.headers["content-length"] == str(len(stored.content))
    # The request's id and its log line, as for any request.
    request_id = served.headers["x-request-id"]
    assert request_id != stored["X-Request-ID"]
    [line] = [line for line in json_lines() if line.get("request_id") == request_id]
    assert (line["method"], line["path"], line["status"]) == ("GET", url, 200)


def test_head_and_conditional_requests_in_front(page_cache, milestone):
    url = milestone.get_absolute_url()
    stored = Client().get(url)
    head = Served(url, method="HEAD")
    assert not head.reached_django
    assert head.status == "200 OK" and head.body == b""
    assert head.headers["content-length"] == str(len(stored.content))
    not_modified = Served(url, HTTP_IF_NONE_MATCH=stored["ETag"])
    assert not not_modified.reached_django
    assert not_modified.status == "304 Not Modified" and not_modified.body == b""
    assert not_modified.headers["etag"] == stored["ETag"]
    assert "x-request-id" in not_modified.headers


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("GET", {"HTTP_COOKIE": "sessionid=abc"}),  # may be signed in
        ("GET", {"HTTP_COOKIE": "messages=abc"}),  # a pending message
        ("GET", {"HTTP_HOST": "evil.example"}),  # a host not allowed: Django answers 400
        ("POST", {}),
    ],
)
def test_what_the_middleware_would_pass_on_goes_to_django(page_cache, milestone, method, headers):
    url = milestone.get_absolute_url()
    Client().get(url)
    served = Served(url, method=method, **headers)
    assert served.reached_django


def test_a_page_not_stored_and_a_page_not_public_go_to_django(page_cache, milestone, settings):
    assert Served(milestone.get_absolute_url()).reached_django  # not stored yet: Django stores it
    assert not Served(milestone.get_absolute_url()).reached_django
    assert Served("/healthz").reached_django
    settings.PAGE_CACHE = False
    assert Served(milestone.get_absolute_url()).reached_django


def test_a_write_is_seen_by_the_front_on_the_next_request(
    page_cache, milestone, django_capture_on_commit_callbacks
):
    url = milestone.get_absolute_url()
    Client().get(url)
    assert not Served(url).reached_django
    pagecache.forget_scheduled()
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump(pagecache.TITLES)
    assert Served(url).reached_django


def test_the_front_sends_the_compressed_copy_to_a_client_that_accepts_gzip(page_cache, milestone):
    url = milestone.get_schedule_url()
    stored = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert stored["Content-Encoding"] == "gzip"
    compressed = Served(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br, zstd")
    assert not compressed.reached_django
    assert compressed.body == stored.content
    for name in ("Content-Encoding", "Content-Length", "ETag", "Vary", "Content-Type"):
        assert compressed.headers[name.lower()] == stored[name], name
    plain = Served(url)
    assert not plain.reached_django
    assert "content-encoding" not in plain.headers
    assert plain.body == gzip.decompress(compressed.body)
    assert plain.headers["content-length"] == str(len(plain.body))
    assert plain.headers["etag"] != compressed.headers["etag"]
    head = Served(url, method="HEAD", HTTP_ACCEPT_ENCODING="gzip")
    assert head.body == b"" and head.headers["content-length"] == compressed.headers["content-length"]
    not_modified = Served(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=compressed.headers["etag"])
    assert not_modified.status == "304 Not Modified" and not_modified.body == b""
    assert not_modified.headers["etag"] == compressed.headers["etag"]
    assert "Accept-Encoding" in not_modified.headers["vary"]
    assert Served(url, HTTP_IF_NONE_MATCH=compressed.headers["etag"]).status == "200 OK"


def test_the_front_keys_a_page_as_the_middleware_does(page_cache, milestone):
    """Language cookie and query string, read by the front from the WSGI environment."""
    url = milestone.get_schedule_url()
    english = Client()
    english.cookies["django_language"] = "en"
    assert 'lang="en"' in english.get(url).content.decode()
    served = Served(url, HTTP_COOKIE="django_language=en; other=1")
    assert not served.reached_django and 'lang="en"' in served.body.decode()
    assert Served(url).reached_django  # the Spanish page was not stored yet
    assert 'lang="es"' in Served(url).body.decode()
    assert Served(url, QUERY_STRING="hoy=2019-10-15").reached_django
    assert not Served(url, QUERY_STRING="hoy=2019-10-15").reached_django
    served = Served(url, HTTP_COOKIE="django_language=xx")  # not a language: Spanish
    assert not served.reached_django and 'lang="es"' in served.body.decode()


# -- The versions kept while their directory is unchanged ------------------------------------------


@pytest.fixture
def file_versions(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Versions in files, as with the embedded default; a second instance on the same directory
    plays another web process."""
    here = FileBasedCache(str(tmp_path / "versions"), {})
    other = FileBasedCache(str(tmp_path / "versions"), {})
    monkeypatch.setattr(pagecache, "_versions_cache", lambda: here)
    pagecache._read_versions.forget()
    yield here, other
    pagecache._read_versions.forget()


def settle(directory: str) -> None:
    """As if the last write was long ago (a versions directory rarely changes)."""
    past = time.time() - 60
    os.utime(directory, (past, past))


def test_settled_versions_are_read_once_and_a_write_by_another_process_is_seen(file_versions, monkeypatch):
    here, other = file_versions
    first = pagecache.current_versions(["gen", "site"])
    settle(here._dir)
    assert pagecache.current_versions(["gen", "site"]) == first  # read from the files, then kept
    reads = []
    original = FileBasedCache.get_many
    monkeypatch.setattr(
        FileBasedCache, "get_many", lambda self, keys: reads.append(keys) or original(self, keys)
    )
    assert pagecache.current_versions(["gen", "site"]) == first
    assert reads == []  # nothing read: the directory is as it was
    other.set("v:site", "written-by-another-process", timeout=None)
    assert pagecache.current_versions(["gen", "site"]) == [first[0], "written-by-another-process"]
    assert reads


def test_versions_are_not_kept_while_their_directory_has_just_changed(file_versions, monkeypatch):
    # The directory was written a moment ago (the versions added): a write in the same tick of a
    # coarse clock could leave the same time, so what was read is not kept, and read again.
    pagecache.current_versions(["gen"])
    pagecache.current_versions(["gen"])
    assert pagecache._read_versions.stamp is None
    reads = []
    original = FileBasedCache.get_many
    monkeypatch.setattr(
        FileBasedCache, "get_many", lambda self, keys: reads.append(keys) or original(self, keys)
    )
    pagecache.current_versions(["gen"])
    assert reads == [["v:gen"]]


def test_a_bump_in_this_process_forgets_what_was_kept(file_versions, django_capture_on_commit_callbacks):
    here, _other = file_versions
    first = pagecache.current_versions(["catalogue"])
    settle(here._dir)
    pagecache.current_versions(["catalogue"])
    assert pagecache._read_versions.stamp is not None
    pagecache.forget_scheduled()
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump("catalogue")
    assert pagecache._read_versions.stamp is None
    assert pagecache.current_versions(["catalogue"]) != first


# -- Public pages resolved once per path ------------------------------------------------------------


def test_the_declared_pages_follow_the_url_configuration(page_cache, milestone, settings):
    url = milestone.get_absolute_url()
    assert pagecache._declared_pages(url) is not None
    assert pagecache._declared_pages("/no/such/page/") is None
    assert {url, "/no/such/page/"} <= set(pagecache._declared_pages.paths)
    settings.ROOT_URLCONF = "tests.core.failing_urls"  # another configuration: resolved afresh
    assert pagecache._declared_pages(url) is not None
    assert set(pagecache._declared_pages.paths) == {url}


def test_a_page_stored_for_https_is_not_served_over_plain_http(page_cache, milestone, settings):
    settings.SECURE_SSL_REDIRECT = True
    url = milestone.get_absolute_url()
    assert Client().get(url, secure=True).status_code == 200  # stored under the https scheme
    plain = Served(url)
    assert plain.reached_django
    assert plain.status.startswith("301") and plain.headers["location"].startswith("https://")
    assert Client().get(url).status_code == 301
