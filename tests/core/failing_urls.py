"""The site's URLs and error handlers, plus a view that fails, for the error-logging tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from cocrea.urls import handler500
from cocrea.urls import urlpatterns as site

__all__ = ["handler500", "urlpatterns"]


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("la vista falló")


urlpatterns = [path("falla/", fail), *site]
