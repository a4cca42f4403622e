"""Kesu's URLs plus portal addresses that fail on purpose, for the portal's error pages."""

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
    path("portal/boom/", boom),
    path("portal/east/boom/", boom),
    path("portal/forbidden/", forbidden),
    path("portal/suspicious/", suspicious),
    *kesu_urls.urlpatterns,
]
handler400 = kesu_urls.handler400
handler403 = kesu_urls.handler403
handler404 = kesu_urls.handler404
handler500 = kesu_urls.handler500
