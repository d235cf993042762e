"""Asking for a report as a person does: the first request queues its build and answers the waiting
page; the build runs (here at once, when the request's transaction would commit); the next request
gets the file."""

from __future__ import annotations

from typing import Any

from django.test import TestCase


def fetch_report(client: Any, url: str, data: Any = None, **extra: Any) -> Any:
    """The report's file response (or whatever other answer the address gives: 404, 400, 429)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = client.get(url, data, **extra)
    if first.status_code != 503:
        return first
    return client.get(url, data, **extra)


def report_bytes(client: Any, url: str, data: Any = None, **extra: Any) -> bytes:
    """The report file's content (it is streamed from the kept file)."""
    response = fetch_report(client, url, data, **extra)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)
