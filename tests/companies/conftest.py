import pytest
from django.contrib.auth.models import Permission

from tests import factories


@pytest.fixture
def make_officer(db):
    """A zone officer: staff with the given companies permissions, working for the given zone."""

    def make(zone, *codenames: str):
        user = factories.StaffUserFactory()
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="companies", codename__in=codenames)
        )
        factories.ZoneStaffFactory(zone=zone, user=user)
        return user

    return make
