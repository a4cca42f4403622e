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
        _forms_refuse_cleaned_characters()


def _forms_refuse_cleaned_characters() -> None:
    """Every Django form (the workspace's, the admin's, sign-in) bound to posted data from
    which RefuseNullCharactersMiddleware took characters no field takes gives those fields an
    error, after its own cleaning: the form comes back with the text, the field marked, and
    nothing is saved (kesu/core/characters.py). Django has no hook for every form's cleaning,
    so its full_clean is wrapped once here."""
    from django.forms.forms import BaseForm

    from kesu.core.characters import add_refused_errors

    original = BaseForm.full_clean
    if getattr(original, "kesu_refuses_characters", False):
        return

    def full_clean(self):
        original(self)
        add_refused_errors(self)

    full_clean.kesu_refuses_characters = True  # type: ignore[attr-defined]
    BaseForm.full_clean = full_clean  # type: ignore[method-assign]


def _name_axes_in_the_admin() -> None:
    """django-axes names neither its app (the admin's heading reads "AXES") nor its lockout
    status column ("Status", from the method's name): translated names for both."""
    from django.utils.translation import gettext_lazy

    if not apps.is_installed("axes"):
        return
    apps.get_app_config("axes").verbose_name = gettext_lazy("Sign-in lockouts")
    from axes.admin import AccessAttemptAdmin

    AccessAttemptAdmin.status.short_description = gettext_lazy("Status")
