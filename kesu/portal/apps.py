from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "kesu.portal"
    label = "portal"
    verbose_name = _("Customer portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kesu.core import views as core_views
        from kesu.portal.errors import portal_error_page

        # Under /portal/ the error pages are the portal's own (kesu/portal/errors.py).
        core_views.error_page.register(portal_error_page)
