"""Logs as JSON lines with a request id (issue #14): the shape of a line, the id taken from a sane
X-Request-ID or generated, returned in the response and carried by every line of the request."""

from __future__ import annotations

import io
import json
import logging
import re
import time

import pytest
from django.test import Client

from cocrea.core import logs


@pytest.fixture
def json_lines():
    """What the production handler writes (LOG_FORMAT=json), captured while the test runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    loggers = [logging.getLogger(logs.REQUEST_LOGGER), logging.getLogger("django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    previous = [logger.level for logger in loggers]
    loggers[0].setLevel(logging.DEBUG)

    def read():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield read
    for logger, level in zip(loggers, previous, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_a_request_line_is_one_json_object_with_its_fields(json_lines):
    response = Client().get("/healthz?email=persona@example.org")
    [line] = json_lines()
    assert set(line) == {
        "time", "level", "logger", "message", "request_id", "method", "path", "status", "duration_ms"
    }  # fmt: skip
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert line["logger"] == "cocrea.request"
    assert line["level"] == "DEBUG"  # probes are below the production level
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == response["X-Request-ID"]
    assert "persona@example.org" not in json.dumps(line)  # no query string in the logs


@pytest.mark.django_db
def test_a_page_is_logged_at_info_with_its_status(json_lines):
    Client().get("/no-existe/")
    request_lines = [line for line in json_lines() if line["logger"] == "cocrea.request"]
    assert [(x["level"], x["path"], x["status"]) for x in request_lines] == [("INFO", "/no-existe/", 404)]


def test_a_sane_incoming_request_id_is_kept_and_returned(json_lines):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.2024:01_abc")
    assert response["X-Request-ID"] == "lb-7f3a.2024:01_abc"
    assert json_lines()[0]["request_id"] == "lb-7f3a.2024:01_abc"


@pytest.mark.parametrize(
    "incoming",
    ["", "x" * 129, "id with spaces", "id\nforged log line", '{"level": "ERROR"}', "ñandú", "-leading-dash"],
)
def test_an_insane_request_id_is_replaced_by_a_new_one(incoming, json_lines):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert json_lines()[0]["request_id"] == response["X-Request-ID"]


def test_every_request_gets_its_own_id(json_lines):
    ids = {Client().get("/healthz")["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


def test_lines_written_during_a_request_carry_its_id_and_an_error_its_traceback(json_lines, settings):
    """An exception in a view: django.request's ERROR line (with the traceback) and the request
    line share the id the response returns."""
    settings.ROOT_URLCONF = "tests.core.failing_urls"
    response = Client(raise_request_exception=False).get("/falla/", HTTP_X_REQUEST_ID="req-500")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-500"
    lines = json_lines()
    error = next(line for line in lines if line["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["request_id"] == "req-500"
    assert "RuntimeError: la vista falló" in error["exception"]
    request_line = next(line for line in lines if line["logger"] == "cocrea.request")
    assert (request_line["status"], request_line["request_id"]) == (500, "req-500")


def test_outside_a_request_a_line_has_no_request_id():
    record = logging.LogRecord("cocrea.x", logging.WARNING, __file__, 1, "hola %s", ("mundo",), None)
    line = json.loads(logs.JsonFormatter().format(record))
    assert line == {
        "time": line["time"], "level": "WARNING", "logger": "cocrea.x", "message": "hola mundo"
    }  # fmt: skip


def test_a_control_character_in_the_path_cannot_forge_a_text_line():
    assert logs.printable_path("/a\nINFO forged") == "/a\\x0aINFO forged"
    assert len(logs.printable_path("/" + "a" * 5000)) == logs.MAX_PATH + 1


def test_text_format_for_development_is_readable():
    record = logging.LogRecord("cocrea.request", logging.INFO, __file__, 1, "GET / 200 6.8 ms", (), None)
    text = logs.TextFormatter().format(record)
    assert re.fullmatch(r"\d\d:\d\d:\d\d INFO cocrea.request \[-\] GET / 200 6.8 ms", text)


def test_the_settings_choose_the_format_from_log_format(settings):
    config = logs.logging_config("json", "INFO")
    assert config["handlers"]["console"]["formatter"] == "json"
    assert config["root"]["level"] == "INFO"
    assert config["loggers"]["cocrea.request"]["level"] == "INFO"
    assert logs.logging_config("text", "WARNING")["handlers"]["console"]["formatter"] == "text"


class CountingStream(io.StringIO):
    """A stream that counts its writes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def buffered(
    seconds: float, max_bytes: int = 64 * 1024
) -> tuple[logging.Logger, CountingStream, logs.BufferedStreamHandler]:
    stream = CountingStream()
    handler = logs.BufferedStreamHandler(stream, seconds=seconds, max_bytes=max_bytes)
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger(f"cocrea.test.buffered.{id(handler)}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return logger, stream, handler


def test_request_lines_are_written_out_together_then_all_of_them():
    logger, stream, handler = buffered(seconds=30)
    for n in range(5):
        logger.info("línea %s", n)
    assert stream.getvalue() == ""  # waiting: nothing written yet
    handler.flush()  # what logging does at exit
    assert [json.loads(line)["message"] for line in stream.getvalue().splitlines()] == [
        f"línea {n}" for n in range(5)
    ]
    assert stream.writes == 1


def test_a_full_buffer_is_written_at_once():
    logger, stream, _ = buffered(seconds=30, max_bytes=300)
    for n in range(10):
        logger.info("línea %s", n)
    lines = stream.getvalue().splitlines()
    assert 0 < len(lines) < 10 and stream.writes < 5  # written in batches, before any flush


def test_a_quiet_servers_last_line_comes_out_within_the_interval():
    logger, stream, _ = buffered(seconds=0.05)
    logger.info("la última")
    for _ in range(100):  # the timer thread writes it; up to 5 s on a busy machine
        if stream.getvalue():
            break
        time.sleep(0.05)
    assert json.loads(stream.getvalue())["message"] == "la última"


def test_no_buffer_writes_each_line_at_once():
    logger, stream, _ = buffered(seconds=0)
    logger.info("una")
    assert json.loads(stream.getvalue())["message"] == "una"


def test_the_production_settings_buffer_the_request_lines_only():
    config = logs.logging_config("json", "INFO", 1.0)
    assert config["loggers"][logs.REQUEST_LOGGER]["handlers"] == ["requests"]
    assert config["handlers"]["requests"]["seconds"] == 1.0
    assert config["root"]["handlers"] == ["console"]  # warnings and errors: written at once
