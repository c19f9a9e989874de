import pytest

from tests import factories


@pytest.fixture
def superuser(db):
    return factories.SuperUserFactory(username="admin")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
