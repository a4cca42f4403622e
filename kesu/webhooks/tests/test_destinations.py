"""Addresses webhooks are not sent to (kesu/webhooks/destinations.py): link-local, unspecified
and metadata addresses, refused on saving and on every delivery; loopback and private ones
keep working (the receiver of these tests is on loopback)."""

import ipaddress

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kesu.webhooks import destinations, services
from kesu.webhooks.choices import Event, Status
from kesu.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

REFUSED_URLS = [
    "http://169.254.169.254/latest/meta-data/",
    "https://169.254.0.1:8443/hook",
    "http://[fe80::1]/hook",
    "http://[febf:ffff::1]/hook",
    "http://0.0.0.0:8080/hook",
    "http://[::]/hook",
    "http://[::ffff:169.254.169.254]/latest",
    "http://[::ffff:a9fe:a9fe]/latest",
    "http://100.100.100.200/latest/meta-data/",
    "http://[fd00:ec2::254]/latest",
]
ALLOWED_URLS = [
    "http://127.0.0.1:8080/hook",
    "http://localhost:8080/hook",
    "http://[::1]/hook",
    "http://10.1.2.3/hook",
    "http://172.16.5.4/hook",
    "http://192.168.1.20/kesu",
    "http://100.64.0.1/hook",
    "http://169.253.255.255/hook",
    "http://[fd12:3456::1]/hook",
    "https://crm.example.cn/kesu/webhooks",
]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_a_link_local_unspecified_or_metadata_address_is_refused_on_saving(admin_user, url):
    with pytest.raises(ValidationError) as refused:
        services.endpoint_create(
            actor=admin_user, url=url, description="CRM", events=[Event.COMPLAINT_CREATED]
        )
    assert refused.value.message_dict["url"] == [str(destinations.REFUSED_MESSAGE)]
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("url", ALLOWED_URLS)
def test_loopback_private_and_public_addresses_are_kept(admin_user, url):
    endpoint = services.endpoint_create(
        actor=admin_user, url=url, description="CRM", events=[Event.COMPLAINT_CREATED]
    )
    assert endpoint.url == url


def test_changing_an_endpoint_to_such_an_address_is_refused(admin_user, endpoint):
    with pytest.raises(ValidationError) as refused:
        services.endpoint_update(
            actor=admin_user,
            endpoint_id=endpoint.pk,
            url="http://169.254.169.254/latest",
            description="CRM",
            events=[Event.COMPLAINT_CREATED],
        )
    assert "url" in refused.value.message_dict
    endpoint.refresh_from_db()
    assert endpoint.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Kesu does not send webhooks to link-local or unspecified addresses"),
        ("zh-hans", "Kesu 不向链路本地地址或未指定地址"),
    ],
)
def test_the_page_says_why_in_the_users_language(admin_client, language, message):
    admin_client.cookies["django_language"] = language
    response = admin_client.post(
        reverse("webhooks:endpoint-new"),
        {
            "url": "http://169.254.169.254/latest",
            "description": "CRM",
            "events": [Event.COMPLAINT_CREATED],
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "whsec_" not in response.content.decode()  # no secret issued
    assert not Endpoint.objects.exists()


def _deliver_to(world, endpoint, url: str) -> Delivery:
    """The endpoint now points at `url` (saved before the check, or its name's DNS changed),
    and a complaint's event is sent."""
    Endpoint.objects.filter(pk=endpoint.pk).update(url=url)
    world.complaint()
    assert services.deliver_all_due("test-worker") == 1
    return Delivery.objects.get()


def test_a_delivery_to_such_an_address_is_not_sent(world, endpoint):
    delivery = _deliver_to(world, endpoint, "http://169.254.169.254/latest/meta-data/")
    attempt = delivery.attempt_log.get()
    assert not attempt.ok and attempt.status_code is None
    assert attempt.excerpt == (
        "not sent: 169.254.169.254 is a link-local, unspecified or metadata address"
    )
    assert attempt.duration_ms < 1000  # refused before connecting, not a timeout
    assert delivery.status == Status.PENDING  # retried like any failure


def test_a_host_that_resolves_to_such_an_address_is_not_sent_to(world, endpoint):
    """2852039166 is no address the form takes, but the resolver makes it 169.254.169.254."""
    delivery = _deliver_to(world, endpoint, "http://2852039166/latest/meta-data/")
    excerpt = delivery.attempt_log.get().excerpt
    assert excerpt.startswith("not sent: 2852039166 (169.254.169.254) is a link-local")


def test_a_delivery_to_loopback_is_sent(world, endpoint, receiver):
    world.complaint()
    assert services.deliver_all_due("test-worker") == 1
    assert Delivery.objects.get().status == Status.DELIVERED
    assert receiver.events() == [Event.COMPLAINT_CREATED]


def test_the_connection_checks_the_address_it_reached(receiver, monkeypatch):
    """A name checked a moment before may connect elsewhere (DNS rebinding): the connection
    itself is refused when its peer is refused. Here loopback stands in for such an address."""
    monkeypatch.setattr(
        destinations,
        "REFUSED_NETWORKS",
        [*destinations.REFUSED_NETWORKS, ipaddress.ip_network("127.0.0.0/8")],
    )
    with destinations.checked_session() as session, pytest.raises(destinations.RefusedAddress):
        session.post(receiver.url, data=b"{}", timeout=2)
    assert receiver.received == []
    monkeypatch.undo()
    with destinations.checked_session() as session:
        assert session.post(receiver.url, data=b"{}", timeout=2).status_code == 200
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("169.254.169.254", True),
        ("169.254.0.0", True),
        ("169.254.255.255", True),
        ("fe80::1%eth0", True),
        ("::ffff:169.254.169.254", True),
        ("0.0.0.0", True),
        ("::", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("10.0.0.1", False),
        ("192.168.0.1", False),
        ("169.255.0.1", False),
        ("crm.example.cn", False),  # a name: checked when sending, once resolved
    ],
)
def test_which_addresses_are_refused(address, refused):
    assert destinations.is_refused(address) is refused
