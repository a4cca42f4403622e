"""docs/webhooks.md: its Python verification example is the code the tests verify with."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"


def verify_example():
    """`verify_kesu_webhook` as the documentation writes it (its first Python block)."""
    block = re.search(r"```python\n(.*?)```", DOC.read_text("utf-8"), re.S).group(1)
    namespace: dict = {}
    exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 (our own documentation)
    return namespace["verify_kesu_webhook"]


def test_the_example_accepts_what_it_signs_itself():
    import hashlib
    import hmac
    import time

    verify = verify_example()
    body = b'{"id":"evt_1","type":"complaint.created"}'
    t = int(time.time())
    sig = hmac.new(b"whsec_x", f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    assert verify("whsec_x", f"t={t},v1={sig}", body)["id"] == "evt_1"
