"""What every endpoint shares: the schema and its documentation pages, token authentication, errors."""

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_the_schema_and_its_documentation_are_served_by_the_project(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    docs = client.get("/api/docs/").content.decode()
    redoc = client.get("/api/redoc/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "/static/drf_spectacular_sidecar/redoc/" in redoc
    assert "cdn." not in docs and "cdn." not in redoc


def test_a_user_gets_a_token_and_reads_with_it_until_it_is_revoked(world, client):
    world.officer_a.set_password("long-enough-pass-1")
    world.officer_a.save()
    response = client.post("/api/v1/auth/token/", {"username": "officer-a", "password": "long-enough-pass-1"})
    assert response.status_code == 200
    token = response.json()["token"]
    assert client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    Token.objects.filter(user=world.officer_a).delete()  # revoked in the admin
    assert client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_a_wrong_password_gets_no_token(world, client):
    response = client.post(
        "/api/v1/auth/token/", {"username": "officer-a", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "Unable to log in" in response.json()["non_field_errors"][0]


def test_the_schema_is_valid_openapi_without_a_warning(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/open/kpi/" in (tmp_path / "schema.yml").read_text()


def test_validation_errors_come_back_per_field_in_the_requests_language(world):
    from rest_framework.test import APIClient

    payload = {"zone": world.zone_a.pk, "year": 1999, "measure": "jobs_created", "value": -5}
    answers = {}
    for language in ("ko", "en"):
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        client.force_authenticate(world.officer_a)
        response = client.post("/api/v1/zone-targets/", payload, format="json")
        assert response.status_code == 400
        assert set(response.json()) == {"year", "value"}
        answers[language] = response.json()["value"][0]
    assert "greater than or equal to 0" in answers["en"]
    assert "0" in answers["ko"] and answers["ko"] != answers["en"]
    assert any("\uac00" <= char <= "\ud7a3" for char in answers["ko"])  # Hangul


def test_a_foreign_zone_id_in_a_payload_is_refused_on_that_field(world, as_user):
    response = as_user(world.officer_a).post(
        "/api/v1/zone-targets/", {"zone": world.zone_b.pk, "year": 2026, "measure": "jobs_created", "value": 5}
    )
    assert response.status_code == 400
    assert list(response.json()) == ["zone"]


def test_tokens_are_listed_and_revoked_in_the_admin(world, admin_client):
    token = Token.objects.create(user=world.member_a)
    assert admin_client.get("/admin/authtoken/tokenproxy/").status_code == 200
    assert world.member_a.username in admin_client.get("/admin/authtoken/tokenproxy/").content.decode()
    response = admin_client.post(f"/admin/authtoken/tokenproxy/{world.member_a.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Token.objects.filter(key=token.key).exists()


def test_a_server_error_answers_an_api_client_in_json_and_a_page_in_html(world, monkeypatch):
    from django.test import Client

    from zones.api.views import ZoneTargetViewSet

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ZoneTargetViewSet, "list", broken)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.officer_a)
    response = client.get("/api/v1/zone-targets/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "Nothing was saved" in response.json()["detail"]
    assert "RuntimeError" not in response.content.decode()
