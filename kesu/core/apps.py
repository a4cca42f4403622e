from django.apps import AppConfig, apps


class CoreConfig(AppConfig):
    name = "kesu.core"
    label = "core"

    def ready(self):
        from kesu.core import checks  # noqa: F401
        from kesu.core.verbose_names import translate_default_verbose_names

        translate_default_verbose_names(
            [c for c in apps.get_app_configs() if c.name.startswith("kesu.")]
        )
        _name_axes_in_the_admin()


def _name_axes_in_the_admin() -> None:
    """django-axes names neither its app (the admin's heading reads "AXES") nor its lockout
    status column ("Status", from the method's name): translated names for both."""
    from django.utils.translation import gettext_lazy

    if not apps.is_installed("axes"):
        return
    apps.get_app_config("axes").verbose_name = gettext_lazy("Sign-in lockouts")
    from axes.admin import AccessAttemptAdmin

    AccessAttemptAdmin.status.short_description = gettext_lazy("Status")
