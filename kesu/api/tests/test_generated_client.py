"""A client generated from the schema by a standard generator (openapi-python-client) drives
Kesu over real HTTP: what integrators do, with nothing written by hand but the calls.

The client is generated at test time, offline, from the schema Kesu serves, so a schema
change that breaks generated clients fails here.
"""

import importlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CONFIG = """\
post_hooks: []
content_type_overrides:
  "*/*": application/octet-stream
"""


@pytest.fixture
def generated_client(tmp_path, client):
    """The package `kesu_client`, generated from /api/schema/ (English names)."""
    schema = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en")
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_text(json.dumps(schema.json()), encoding="utf-8")
    (tmp_path / "config.yaml").write_text(CONFIG, encoding="utf-8")
    done = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--config",
            str(tmp_path / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "kesu_client"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Every operation and model generated: no part of the schema the generator had to drop.
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("kesu_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == "kesu_client" or n.startswith("kesu_client.")]:
            del sys.modules[name]


def _module(package, name):
    return importlib.import_module(f"kesu_client.{name}")


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_files_lists_reads_moves_and_parses_errors(
    world, live_server, generated_client
):
    kc = generated_client
    models = _module(kc, "models")
    api = lambda name: _module(kc, f"api.{name}")  # noqa: E731
    customer = CustomerFactory(organisation=world.org, name="客户甲")
    frontline = world.user(Role.FRONTLINE)

    anonymous = kc.Client(base_url=live_server.url, headers={"Accept-Language": "en"})
    token = api("auth.v1_auth_token_create").sync(
        client=anonymous,
        body=models.AuthTokenRequest(username=frontline.username, password="pw"),
    )
    assert isinstance(token, models.Token), token
    signed_in = kc.AuthenticatedClient(
        base_url=live_server.url,
        token=token.token,
        prefix="Token",
        headers={"Accept-Language": "en"},
    )

    # File a complaint, twice with the same Idempotency-Key: one complaint.
    key = str(uuid.uuid4())
    body = models.ComplaintCreateRequest(
        customer=customer.pk,
        channel=models.ChannelEnum.PHONE,
        title="Noise after the service",
        account="A knocking noise at cold start since the last service.",
    )
    create = api("complaints.v1_complaints_create")
    first = create.sync_detailed(client=signed_in, body=body, idempotency_key=key)
    again = create.sync_detailed(client=signed_in, body=body, idempotency_key=key)
    assert first.status_code == 201, first.content
    complaint = first.parsed
    assert isinstance(complaint, models.ComplaintDetail)
    assert again.parsed.id == complaint.id
    assert complaint.state == models.StateEnum.REGISTERED

    # List and filter.
    listing = api("complaints.v1_complaints_list").sync(
        client=signed_in, customer=customer.pk, page_size=10
    )
    assert [c.id for c in listing.results] == [complaint.id]
    none = api("complaints.v1_complaints_list").sync(
        client=signed_in, customer=customer.pk, merged=True
    )
    assert none.results == []

    # Read it, with its ETag.
    read = api("complaints.v1_complaints_retrieve").sync_detailed(complaint.id, client=signed_in)
    assert read.status_code == 200 and read.parsed.number == complaint.number
    etag = read.headers["ETag"]

    # A move with If-Match: the version read. The same ETag again is stale: 412, parsed.
    handler = world.user(Role.HANDLER)
    handler_token = api("auth.v1_auth_token_create").sync(
        client=anonymous,
        body=models.AuthTokenRequest(username=handler.username, password="pw"),
    )
    as_handler = kc.AuthenticatedClient(
        base_url=live_server.url,
        token=handler_token.token,
        prefix="Token",
        headers={"Accept-Language": "en"},
    )
    take_on = api("transitions.v1_complaints_transitions_take_on")
    moved = take_on.sync_detailed(
        complaint.id, client=as_handler, body=models.TakeOnInputRequest(), if_match=etag
    )
    assert moved.status_code == 200, moved.content
    assert moved.parsed.version == complaint.version + 1
    stale = take_on.sync_detailed(
        complaint.id, client=as_handler, body=models.TakeOnInputRequest(), if_match=etag
    )
    assert stale.status_code == 412
    assert isinstance(stale.parsed, models.Error)
    assert stale.parsed.error.code == "precondition_failed"
    assert stale.parsed.error.message

    # The timeline, oldest first.
    timeline = api("complaints.v1_complaints_timeline_list").sync(complaint.id, client=signed_in)
    actions = [entry.action for entry in timeline.results]
    assert actions[0] == "register" and "take_on" in actions, actions

    # Another branch's complaint, or none at all: 404 in the error model.
    other = world.complaint(
        actor=world.other_users[Role.FRONTLINE],
        customer=CustomerFactory(organisation=world.org),
        branch=world.other_branch,
    )
    for missing in (other.pk, 999_999_999):
        refused = api("complaints.v1_complaints_retrieve").sync_detailed(missing, client=signed_in)
        assert refused.status_code == 404
        assert isinstance(refused.parsed, models.Error)
        assert refused.parsed.error.code == "not_found"
