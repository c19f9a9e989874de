import pytest
from django.contrib.auth.models import Permission

from tests import factories as f
from tests.programs.cases import MODELS


def grant(user, *codenames: str) -> None:
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="programs", codename__in=codenames))


@pytest.fixture
def zone_a(db):
    return f.ZoneFactory(name_ko="양재 AI 특구")


@pytest.fixture
def zone_b(db):
    return f.ZoneFactory(name_ko="광주 AI 집적단지")


@pytest.fixture
def officer(zone_a):
    """A zone A officer who may view and change every programs record, and delete none."""
    user = f.StaffUserFactory(username="officer-a")
    f.ZoneStaffFactory(zone=zone_a, user=user)
    grant(user, *(f"{action}_{model}" for action in ("view", "change") for model in MODELS))
    return user


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client
