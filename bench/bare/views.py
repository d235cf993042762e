"""The two yardstick pages: 20 bytes of text, and a 50-row table rendered by a template."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

ROWS = [
    {"number": n, "name": f"Actividad {n:02d}", "amount": f"Q {n * 1234.5:,.2f}", "done": n % 3 == 0}
    for n in range(1, 51)
]


def twenty_bytes(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"Hola desde Cocrea!!\n", content_type="text/plain")


def fifty_rows(request: HttpRequest) -> HttpResponse:
    return render(request, "bare/rows.html", {"rows": ROWS})
