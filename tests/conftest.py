import pytest

from tests import factories


@pytest.fixture
def superuser(db):
    return factories.SuperUserFactory(username="admin")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def _admin_two_factor(request, settings):
    """The admin asks staff for a second factor; tests that log staff in with `force_login` (or the browser test
    with a password) run without it, except those marked `two_factor`."""
    if request.node.get_closest_marker("two_factor") is None:
        settings.OTP_ADMIN_REQUIRED = False
