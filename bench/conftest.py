"""The app tests' fixtures that the load tests here use too."""

from kesu.conftest import world  # noqa: F401
from kesu.notifications.tests.conftest import smtp_server  # noqa: F401
