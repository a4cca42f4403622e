"""The shared API helpers' tests use the complaints API tests' signed-in client fixture."""

from kesu.complaints.tests.api.conftest import api  # noqa: F401
