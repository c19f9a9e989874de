"""Sessions: a new key at login, idle and absolute limits, every session ended when an account is disabled."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.security.sessions import user_sessions_end
from tests import factories as f

pytestmark = pytest.mark.django_db
START = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.UTC)
ZONES_API = "/api/v1/zones/"


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_gives_a_new_session_key_and_drops_the_old_one(client):
    staff = f.StaffUserFactory(username="officer")
    before = client.session.session_key  # an anonymous session already exists (fixation attempt)

    response = client.post(reverse("admin:login"), {"username": "officer", "password": "pass-word-123"})

    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_staff_are_logged_out_after_30_idle_minutes(client):
    staff = f.StaffUserFactory()
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(staff)
        assert client.get(reverse("admin:index")).status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("admin:index")).status_code == 200

        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not signed_in(client)


def test_company_users_have_a_longer_idle_limit(client):
    user = f.UserFactory()
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(user)
        traveller.shift(dt.timedelta(minutes=90))
        client.get(ZONES_API)
        assert signed_in(client)

        traveller.shift(dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))
        client.get(ZONES_API)

    assert not signed_in(client)


def test_activity_does_not_extend_a_session_past_the_absolute_limit(client):
    staff = f.StaffUserFactory()
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(staff)
        for _ in range(settings.SESSION_ABSOLUTE_TIMEOUT // (20 * 60)):
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get(reverse("admin:index")).status_code == 200
        traveller.shift(dt.timedelta(minutes=20))
        response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert not signed_in(client)


def test_disabling_an_account_ends_all_its_sessions():
    staff = f.StaffUserFactory()
    other = f.StaffUserFactory()
    laptop, phone, colleague = Client(), Client(), Client()
    for browser in (laptop, phone):
        browser.force_login(staff)
    colleague.force_login(other)
    assert laptop.get(reverse("admin:index")).status_code == 200

    staff.is_active = False
    staff.save()

    assert laptop.get(reverse("admin:index")).status_code == 302
    assert phone.get(reverse("admin:index")).status_code == 302
    sessions = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(staff.pk) not in sessions
    assert colleague.get(reverse("admin:index")).status_code == 200  # nobody else is logged out


def test_user_sessions_end_reports_how_many_it_ended():
    user = f.UserFactory()
    for browser in (Client(), Client(), Client()):
        browser.force_login(user)

    assert user_sessions_end(user=user) == 3
    assert user_sessions_end(user=user) == 0


def test_a_disabled_users_api_token_stops_working():
    user = f.UserFactory()
    token = Token.objects.create(user=user)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(ZONES_API).status_code == 200

    user.is_active = False
    user.save()

    assert api.get(ZONES_API).status_code == 401


# --- the password asked again before exports of personal data and role changes ----------------------------------

CONFIRM = "/admin/security/confirm-password/"


@pytest.fixture
def office(client):
    admin = f.SuperUserFactory(username="office")
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(admin)
        traveller.shift(dt.timedelta(minutes=11))  # the login's password is no longer recent
        yield traveller


def test_exporting_enrolments_asks_for_the_password_then_continues(client, office):
    export = reverse("admin:programs_enrolment_export")

    response = client.get(export)
    assert response.status_code == 302
    assert response["Location"].startswith(CONFIRM)

    wrong = client.post(response["Location"], {"password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 200
    assert "The password is not correct." in wrong.content.decode()
    assert client.get(export).status_code == 302

    confirmed = client.post(response["Location"], {"password": "pass-word-123"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == export
    assert client.get(export).status_code == 200

    office.shift(dt.timedelta(minutes=11))
    assert client.get(export).status_code == 302  # asked again once it is no longer recent


def test_a_fresh_login_counts_as_a_recent_password(client):
    client.force_login(f.SuperUserFactory())

    assert client.get(reverse("admin:programs_enrolment_export")).status_code == 200


def test_making_a_user_staff_asks_for_the_password(client, office):
    user = f.UserFactory(username="clerk")
    url = reverse("admin:auth_user_change", args=[user.pk])

    response = client.post(url, {"username": "clerk", "is_active": "on", "is_staff": "on"})

    assert response.status_code == 302
    assert response["Location"].startswith(CONFIRM)
    user.refresh_from_db()
    assert not user.is_staff


def test_giving_a_user_a_group_asks_for_the_password(client, office):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Zone office")
    user = f.UserFactory(username="clerk")
    url = reverse("admin:auth_user_change", args=[user.pk])

    response = client.post(url, {"username": "clerk", "is_active": "on", "groups": [str(group.pk)]})

    assert response["Location"].startswith(CONFIRM)
    assert not user.groups.exists()


def test_editing_a_user_without_touching_roles_is_not_interrupted(client, office):
    user = f.UserFactory(username="clerk")
    url = reverse("admin:auth_user_change", args=[user.pk])

    response = client.post(url, {"username": "clerk", "is_active": "on", "first_name": "Kim"})

    assert not response.get("Location", "").startswith(CONFIRM)


def test_changing_zone_staff_roles_asks_for_the_password(client, office):
    staff = f.ZoneStaffFactory()
    url = reverse("admin:zones_zonestaff_change", args=[staff.pk])

    response = client.post(url, {"zone": staff.zone_id, "user": staff.user_id, "role": staff.role})

    assert response["Location"].startswith(CONFIRM)


def test_the_confirmation_page_only_returns_to_this_site(client, office):
    response = client.post(f"{CONFIRM}?next=https://evil.example/", {"password": "pass-word-123"})

    assert response["Location"] == reverse("admin:index")
