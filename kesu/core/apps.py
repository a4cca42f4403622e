from django.apps import AppConfig, apps


class CoreConfig(AppConfig):
    name = "kesu.core"
    label = "core"

    def ready(self):
        from kesu.core.verbose_names import translate_default_verbose_names

        translate_default_verbose_names(
            [c for c in apps.get_app_configs() if c.name.startswith("kesu.")]
        )
