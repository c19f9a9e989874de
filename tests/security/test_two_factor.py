"""Staff need a second factor (TOTP) in the admin: enrolment with a QR code, then password + code at each login."""

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PASSWORD = "pass-word-123"


def current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def password_login(client, user) -> None:
    response = client.post(reverse("admin:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def staff():
    return f.StaffUserFactory(username="officer")


@pytest.fixture
def device(staff):
    return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)


def test_staff_with_a_device_and_only_a_password_is_sent_to_the_code_page(client, staff, device):
    password_login(client, staff)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:otp_verify"))
    assert client.get(reverse("admin:programs_application_changelist")).status_code == 302


def test_password_and_a_valid_code_open_the_admin(client, staff, device):
    password_login(client, staff)
    verify = f"{reverse('security:otp_verify')}?next={reverse('admin:index')}"

    response = client.post(verify, {"token": current_token(device)})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_is_refused(client, staff, device):
    password_login(client, staff)
    wrong = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("security:otp_verify"), {"token": wrong}, **EN)

    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_without_a_device_enrols_one_from_a_qr_code_then_gets_in(client, staff):
    password_login(client, staff)

    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("security:otp_setup"))
    page = client.get(response["Location"], **EN)
    content = page.content.decode()
    assert "<svg" in content and "otpauth://totp/" in content
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert page.context["secret"] in content  # the base32 key, for typing by hand

    response = client.post(reverse("security:otp_setup"), {"token": current_token(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("admin:index")).status_code == 200


def test_enrolment_refuses_a_wrong_first_code(client, staff):
    password_login(client, staff)
    client.get(reverse("security:otp_setup"))
    device = TOTPDevice.objects.get(user=staff)
    wrong = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("security:otp_setup"), {"token": wrong}, **EN)

    assert response.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_second_device_cannot_be_enrolled_with_the_password_alone(client, staff, device):
    password_login(client, staff)

    response = client.get(reverse("security:otp_setup"))

    assert response["Location"].startswith(reverse("security:otp_verify"))
    assert not TOTPDevice.objects.filter(user=staff, confirmed=False).exists()


def test_superusers_need_the_second_factor_too(client):
    admin = f.SuperUserFactory(username="root")
    password_login(client, admin)

    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("security:otp_setup"))


def test_force_login_without_a_verified_device_is_not_enough(client, staff, device):
    client.force_login(staff)

    assert client.get(reverse("admin:index")).status_code == 302


def test_company_users_are_not_asked_for_a_second_factor(client):
    user = f.UserFactory(username="owner")
    client.force_login(user)

    response = client.get(reverse("companies:dashboard"))

    assert response.status_code in (200, 302)
    assert not response.get("Location", "").startswith("/admin/security/")


def test_logging_out_stays_possible_before_the_second_factor(client, staff, device):
    password_login(client, staff)

    response = client.post(reverse("admin:logout"))

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_requirement_can_be_switched_off_by_setting(client, staff, settings):
    settings.OTP_ADMIN_REQUIRED = False
    client.force_login(staff)

    assert client.get(reverse("admin:index")).status_code == 200
