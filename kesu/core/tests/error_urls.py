"""Kesu's URLs plus views that fail on purpose, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from kesu import urls as kesu_urls


def boom(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("bad input")


urlpatterns = [
    path("boom/", boom),
    path("api/v1/boom/", boom),
    path("forbidden/", forbidden),
    path("suspicious/", suspicious),
    *kesu_urls.urlpatterns,
]
handler400 = kesu_urls.handler400
handler403 = kesu_urls.handler403
handler404 = kesu_urls.handler404
handler500 = kesu_urls.handler500
