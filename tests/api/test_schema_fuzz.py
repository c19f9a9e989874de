"""The whole API schema fuzzed by schemathesis: generated requests to every operation, as a superuser and as a
company user, over a small world of records; no server error and no response that breaks the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests import factories as f

CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def api_schema(db):
    """The schema served by the project, called in-process; connections stay open between requests (as Django's
    test client keeps them) so that the test's transaction holds."""
    from config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world):
    """A few records of each kind in zone A, so that ids in generated requests sometimes exist."""
    mou = f.MouFactory(zone=world.zone_a, company=world.company_a)
    f.MouCommitmentFactory(mou=mou)
    f.TenancyFactory(zone=world.zone_a, company=world.company_a)
    call = f.CallFactory(program__zone=world.zone_a)
    f.ApplicationFactory(call=call, company=world.company_a)
    f.EnrolmentFactory(cohort__training_program__zone=world.zone_a)
    f.InvestmentFactory(fund__zone=world.zone_a, company=world.company_a)
    return {
        "superuser": Token.objects.create(user=world.superuser).key,
        "company": Token.objects.create(user=world.member_a).key,
    }


EXAMPLES = 8  # per operation, generation mode and user


def _fuzz(schema, token: str) -> list[str]:
    """Every operation of the schema with valid and invalid generated requests; the failures, labelled."""
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100, "the schema lost its operations"
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                continue  # nothing to make invalid (an operation with no parameters has no negative case)
            except Exception as error:  # noqa: BLE001 - every failing operation is reported, not only the first
                failures.append(f"{operation.label} ({mode.value}): {error}")
    return failures


def test_no_operation_gives_a_superuser_a_server_error_or_a_response_off_its_schema(api_schema, tokens):
    failures = _fuzz(api_schema, tokens["superuser"])
    assert not failures, "\n\n".join(failures)


def test_no_operation_gives_a_company_user_a_server_error_or_a_response_off_its_schema(api_schema, tokens):
    failures = _fuzz(api_schema, tokens["company"])
    assert not failures, "\n\n".join(failures)
