"""Translated default names for the project's models and fields.

A field declared without a verbose name gets its attribute name ("uploaded_by" → "uploaded
by"), and a model without one its class name, as plain English strings that the admin and the
API then show untranslated. This wraps those defaults in gettext_lazy at start-up, so the
catalogue (kesu/locale) translates them like any other msgid. Names given in the code are
left alone, and migrations do not change: they record only the names given in the code.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


def translate_default_verbose_names(app_configs: list[AppConfig]) -> None:
    for config in app_configs:
        for model in config.get_models():
            opts = model._meta
            if "verbose_name" not in opts.original_attrs:
                plain = str(opts.verbose_name)
                opts.verbose_name = gettext_lazy(plain)
                if "verbose_name_plural" not in opts.original_attrs:
                    opts.verbose_name_plural = gettext_lazy(f"{plain}s")
            for field in [*opts.local_fields, *opts.local_many_to_many]:
                if field._verbose_name is None and field.verbose_name:
                    field.verbose_name = gettext_lazy(field.verbose_name)
