"""Request plumbing that must run before everything else."""

import ipaddress

from django.conf import settings

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


def _networks(entries) -> list:
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_in(address: str, networks) -> bool:
    return _is_address(address) and any(
        ipaddress.ip_address(address) in network for network in networks
    )


class TrustedProxyMiddleware:
    """The client's address from `X-Forwarded-For`, believed only when a trusted proxy sent it.

    A request straight from the internet may carry any `X-Forwarded-*` header it likes; those
    headers are dropped unless the connection comes from one of `KESU_TRUSTED_PROXIES`. From a
    trusted proxy, the client is the right-most address in `X-Forwarded-For` that is not itself
    a trusted proxy, and `REMOTE_ADDR` is set to it — so the login lockout, rate limits and the
    audit trail all see the real client.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = _networks(settings.KESU_TRUSTED_PROXIES)

    def __call__(self, request):
        meta = request.META
        if self.trusted and _is_in(meta.get("REMOTE_ADDR", ""), self.trusted):
            hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
            for hop in reversed(hops):
                if not _is_in(hop, self.trusted):
                    if _is_address(hop):
                        meta["REMOTE_ADDR"] = hop
                    break
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
