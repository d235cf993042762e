"""Settings of the bare app: no database, no middleware, one template directory, DEBUG off.

It is served exactly as Cocrea is (same server, same workers, same host and port rules), so that
the ratio of a Cocrea page to these pages is the cost of Cocrea's stack and data, not the server's.
"""

from __future__ import annotations

from pathlib import Path

DEBUG = False
SECRET_KEY = "bench-bare-app-not-a-secret-" + "x" * 40  # served on 127.0.0.1 only
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.bare.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_I18N = False
USE_TZ = True
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": False,
    }
]
