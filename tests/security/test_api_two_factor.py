"""The API asks staff for the same second factor as the admin: a staff token needs the authenticator's code,
and a staff session that has not verified a device cannot read the API. Company users are not asked."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PASSWORD = "pass-word-123"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()  # throttles and rate limits live in the cache
    yield
    cache.clear()


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def staff():
    return f.StaffUserFactory(username="officer")


@pytest.fixture
def device(staff):
    return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)


def ask_token(client, **fields):
    return client.post(TOKEN_URL, {"username": "officer", "password": PASSWORD, **fields}, **EN)


def test_a_staff_password_alone_gets_no_token(client, staff, device):
    response = ask_token(client)

    assert response.status_code == 400
    assert response.json() == {"otp_token": ["Enter the code of your authenticator."]}
    assert not Token.objects.filter(user=staff).exists()


def test_a_wrong_code_gets_no_token(client, staff, device):
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    response = ask_token(client, otp_token=wrong)

    assert response.status_code == 400
    assert response.json() == {"otp_token": ["The code is wrong or has expired."]}
    assert not Token.objects.filter(user=staff).exists()


def test_password_and_code_get_a_token_that_reads_the_api(client, staff, device):
    response = ask_token(client, otp_token=current_code(device))

    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=staff).key == token
    assert client.get("/api/v1/zones/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_staff_without_a_device_are_told_to_enrol_one(client, staff):
    response = ask_token(client, otp_token="123456")

    assert response.status_code == 400
    assert "Enrol an authenticator in the admin first" in response.json()["otp_token"][0]
    assert not Token.objects.filter(user=staff).exists()


def test_a_wrong_password_is_refused_before_the_code_is_looked_at(client, staff, device):
    response = client.post(TOKEN_URL, {"username": "officer", "password": "wrong", "otp_token": "1"}, **EN)

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_company_user_gets_a_token_with_the_password(client):
    member = f.UserFactory(username="ceo@company.example.kr")
    member.set_password(PASSWORD)
    member.save()

    response = client.post(TOKEN_URL, {"username": member.username, "password": PASSWORD}, **EN)

    assert response.status_code == 200
    assert Token.objects.get(user=member).key == response.json()["token"]


def test_an_unverified_staff_session_cannot_read_the_api(client, staff, device):
    client.force_login(staff)  # a password login (the portal's, say) without the second factor

    response = client.get("/api/v1/zones/", **EN)

    assert response.status_code == 403
    assert response.json() == {"detail": "Verify your authenticator in the admin first, or use an API token."}
    assert client.get("/api/v1/open/zones/").status_code == 200  # open data stays open


def test_a_verified_staff_session_reads_the_api(client, staff, device):
    client.force_login(staff)
    verified = client.post(reverse("security:otp_verify"), {"token": current_code(device)})
    assert verified.status_code == 302

    assert client.get("/api/v1/zones/").status_code == 200
