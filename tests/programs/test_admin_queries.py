"""A changelist costs the same number of queries for 1 row as for 30, related rows and all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.programs.cases import CASES

pytestmark = pytest.mark.django_db


def changelist_queries(client, model: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"admin:programs_{model}_changelist"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, case):
    case.build()
    admin_client.get(reverse(f"admin:programs_{case.model}_changelist"))  # warm the per-process caches
    with_one_row = changelist_queries(admin_client, case.model)

    for _ in range(29):
        case.build()
    with_thirty_rows = changelist_queries(admin_client, case.model)

    assert with_thirty_rows == with_one_row
