from django.contrib import admin
from django.urls import include, path

from kesu.core import health, metrics
from kesu.web.favicon import favicon

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("kesu.api.urls")),
    path("callbacks/", include("kesu.callbacks.urls")),
    path("reports/", include("kesu.reports.urls")),
    path("improvements/", include("kesu.improvements.urls")),
    path("crises/", include("kesu.crises.urls")),
    path("emerging/", include("kesu.emerging.urls")),
    path("lessons/", include("kesu.lessons.urls")),
    path("calls/", include("kesu.integrations.urls")),
    path("portal/", include("kesu.portal.urls")),
    path("webhooks/", include("kesu.webhooks.urls")),
    path("", include("kesu.web.urls")),
    path("", include("kesu.notifications.urls")),
    path("", include("kesu.complaints.urls")),
]

handler400 = "kesu.core.views.bad_request"
handler403 = "kesu.core.views.permission_denied"
handler404 = "kesu.core.views.page_not_found"
handler500 = "kesu.core.views.server_error"
