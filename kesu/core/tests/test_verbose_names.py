"""Every model and field name of the project reaches the user translated."""

from django.apps import apps
from django.utils import translation

ASCII_LETTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Names that stay as they are in Chinese.
KEPT = {
    "id",
    "pdf",
    "vin",
    "sha-256",
    "ip",
    "api",
    "url",
    "http",
    "webhook",
    "wecom",
    "dingtalk",
    "excel",
    "imap",
    "message-id",
}


def _untranslated(text: str) -> bool:
    words = text.replace("（", " ").replace("）", " ").split()
    return any(set(w) & ASCII_LETTERS for w in words if w.lower() not in KEPT)


def test_model_and_field_names_are_translated():
    missing = []
    with translation.override("zh-hans"):
        for model in apps.get_models():
            if not model.__module__.startswith("kesu."):
                continue
            opts = model._meta
            names = [("model", opts.verbose_name), ("plural", opts.verbose_name_plural)]
            names += [
                (f.name, f.verbose_name) for f in [*opts.local_fields, *opts.local_many_to_many]
            ]
            for where, name in names:
                if _untranslated(str(name)):
                    missing.append(f"{opts.label}.{where}: {name}")
    assert not missing, "\n".join(missing)
