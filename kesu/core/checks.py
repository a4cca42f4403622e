"""`manage.py check --deploy`: the address outgoing links start with (kesu/core/links.py)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOOPBACK = ("127.0.0.1", "localhost", "::1", "0.0.0.0")  # noqa: S104 (compared, not bound)


@register(Tags.urls, deploy=True)
def public_url_is_set(app_configs, **kwargs):
    url = getattr(settings, "KESU_PUBLIC_URL", "")
    if not url:
        return [
            Warning(
                "KESU_PUBLIC_URL is not set: links in e-mails, text messages, webhook bodies and "
                "on printed notices take the address of the request that made them, and the "
                "worker's messages carry no address at all.",
                hint="Set KESU_PUBLIC_URL to the address customers and staff reach Kesu at, "
                "e.g. https://kesu.example.com (docs/deploy.md).",
                id="kesu.W003",
            )
        ]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [
            Warning(
                f"KESU_PUBLIC_URL ({url}) is not an http:// or https:// address.",
                hint="Give the scheme and host, e.g. https://kesu.example.com.",
                id="kesu.W004",
            )
        ]
    if parts.hostname in LOOPBACK:
        return [
            Warning(
                f"KESU_PUBLIC_URL ({url}) points at this machine: nobody outside can open its "
                "links.",
                hint="Give the address customers and staff reach Kesu at.",
                id="kesu.W005",
            )
        ]
    return []
