"""Where webhooks may not go: link-local and unspecified addresses, and the clouds' metadata
services (docs/webhooks.md, "Addresses Kesu does not send to").

A receiver at 169.254.169.254 would be the cloud server's own metadata service, and the
delivery log keeps the start of every answer: an administrator's endpoint could read it. So an
address is refused when the endpoint is saved (a literal address in the URL), and again on
every delivery: the host's name is resolved first (DNS may have changed since it was saved),
and the connection itself checks the address it reached (DNS may answer differently a moment
later). Loopback and private addresses stay allowed: receivers inside the company network.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.utils.translation import gettext_lazy as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

REFUSED_NETWORKS = [
    ipaddress.ip_network("169.254.0.0/16"),  # IPv4 link-local: most clouds' metadata service
    ipaddress.ip_network("fe80::/10"),  # IPv6 link-local
    ipaddress.ip_network("0.0.0.0/8"),  # "this network"; 0.0.0.0 reaches the host itself
    ipaddress.ip_network("::/128"),  # unspecified
]
# Metadata services outside those networks; private and shared ranges around them stay allowed.
REFUSED_ADDRESSES = {
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
}

REFUSED_MESSAGE = _(
    "Kesu does not send webhooks to link-local or unspecified addresses (169.254.0.0/16, "
    "fe80::/10, 0.0.0.0, ::) or to a cloud's metadata service. Give the receiving system's "
    "own address; addresses in the company network (10.x, 192.168.x, …) are fine."
)


class RefusedAddress(Exception):
    """The receiver's address is one Kesu does not send to."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} is {address}")
        self.host = host
        self.address = address

    @property
    def excerpt(self) -> str:
        """For the delivery log (kept in English, like the other errors there)."""
        shown = self.host if self.host == self.address else f"{self.host} ({self.address})"
        return f"not sent: {shown} is a link-local, unspecified or metadata address"


def is_refused(address: str | IPAddress) -> bool:
    """Whether Kesu refuses to send to this IP address (an IPv4 address written as IPv6,
    ::ffff:169.254.169.254, counts as the IPv4 address)."""
    if isinstance(address, str):
        try:
            address = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone
        except ValueError:
            return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address in REFUSED_ADDRESSES or any(address in net for net in REFUSED_NETWORKS)


def url_is_refused(url: str) -> bool:
    """Whether the URL names a refused address literally (names are checked when sending)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return is_refused(host)


def check_host(host: str, port: int) -> None:
    """Raise RefusedAddress if the host is, or resolves to, a refused address. A name that does
    not resolve passes: the connection then fails and says so."""
    if is_refused(host):
        raise RefusedAddress(host, host)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return
    for info in infos:
        address = str(info[4][0])
        if is_refused(address):
            raise RefusedAddress(host, address)


def _check_peer(connection, sock) -> None:
    try:
        peer = sock.getpeername()[0]
    except OSError:
        return
    if is_refused(peer):
        sock.close()
        raise RefusedAddress(connection.host, str(peer))


class _CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self):
        sock = super()._new_conn()
        _check_peer(self, sock)
        return sock


class _CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self):
        sock = super()._new_conn()
        _check_peer(self, sock)
        return sock


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    """requests' adapter whose connections refuse a refused peer address once connected."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


def checked_session() -> requests.Session:
    """A requests session whose connections raise RefusedAddress on reaching a refused
    address."""
    session = requests.Session()
    adapter = _CheckedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def post(url: str, **kwargs) -> requests.Response:
    """requests.post, refusing (RefusedAddress) a host that is or resolves to a refused
    address, before connecting and again on the address connected to."""
    parts = urlsplit(url)
    check_host(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
    with checked_session() as session:
        return session.post(url, **kwargs)
