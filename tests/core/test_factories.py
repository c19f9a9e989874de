import pytest

from tests import factories

ALL = [
    getattr(factories, name)
    for name in dir(factories)
    if name.endswith("Factory") and name not in {"UserFactory", "StaffUserFactory", "SuperUserFactory"}
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory_class", ALL, ids=lambda f: f.__name__)
def test_every_factory_builds_a_record_that_passes_full_clean(factory_class):
    obj = factory_class()
    obj.full_clean()
