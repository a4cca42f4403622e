"""Kesu's URLs plus views that fail (or log) on purpose, for the error page and logging tests."""

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpResponse
from django.urls import path

from kesu import urls as kesu_urls


def boom(request):
    raise RuntimeError("a bug")


def chatty(request):
    logging.getLogger("kesu.tests.chatty").warning("something worth a look: %s", "the detail")
    return HttpResponse("logged", content_type="text/plain")


def forbidden(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("bad input")


urlpatterns = [
    path("boom/", boom),
    path("api/v1/boom/", boom),
    path("chatty/", chatty, name="chatty"),
    path("forbidden/", forbidden),
    path("suspicious/", suspicious),
    *kesu_urls.urlpatterns,
]
handler400 = kesu_urls.handler400
handler403 = kesu_urls.handler403
handler404 = kesu_urls.handler404
handler500 = kesu_urls.handler500
