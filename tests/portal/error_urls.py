"""The site's URLs and error handlers, plus a page that fails, for tests/portal/test_error_pages.py."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from cocrea.urls import handler400, handler403, handler404, handler500
from cocrea.urls import urlpatterns as site

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a failure the visitor must not see")


urlpatterns = [path("falla/", fails), *site]
