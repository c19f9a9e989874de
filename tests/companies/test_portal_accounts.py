"""Company accounts through allauth: sign up, confirm the address by link, log in, reset the password."""

import re
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Yangjae-AI-2025!"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def link_in(message) -> str:
    """The path of the first link of an e-mail."""
    return urlparse(re.search(r"https?://\S+", message.body).group()).path


def verified_user(email: str = "ceo@visionlab.kr"):
    user = factories.UserFactory(username=email.split("@")[0], email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_sign_up_confirm_by_link_then_land_on_company_start(client, mailoutbox):
    response = client.post(
        reverse("account_signup"), {"email": "new@visionlab.kr", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new@visionlab.kr"]
    assert mailoutbox[0].subject.startswith("[AI 특구]")
    confirm_path = link_in(mailoutbox[0])
    # Not yet confirmed: not logged in.
    assert client.get(reverse("companies:dashboard")).status_code == 302

    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "portal/base.html" in [t.name for t in page.templates]

    response = client.post(confirm_path, follow=True)

    assert response.context["user"].is_authenticated
    assert response.redirect_chain[-1][0] == reverse("companies:company_start")
    assert EmailAddress.objects.get(email="new@visionlab.kr").verified


def test_sign_up_errors_are_shown_beside_the_field_and_the_email_is_kept(client):
    response = client.post(
        reverse("account_signup"), {"email": "new@visionlab.kr", "password1": PASSWORD, "password2": "other"}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="new@visionlab.kr"' in content
    assert "invalid-feedback" in content
    assert 'for="id_password2"' in content
    assert 'aria-describedby="id_password2_error"' in content


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_account_pages_use_the_portal_layout_with_labelled_fields(client, name):
    response = client.get(reverse(name))

    content = response.content.decode()
    assert response.status_code == 200
    assert "portal/base.html" in [t.name for t in response.templates]
    assert "bootstrap.min.css" in content
    assert 'class="form-label' in content
    assert 'id="main"' in content


def test_log_in_by_email_lands_on_company_start_without_a_company(client):
    verified_user()

    response = client.post(reverse("account_login"), {"login": "ceo@visionlab.kr", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("companies:company_start")


def test_log_in_with_a_company_lands_on_the_dashboard(client):
    user = verified_user()
    factories.CompanyMemberFactory(user=user, company__name_ko="양재비전랩")

    response = client.post(reverse("account_login"), {"login": "ceo@visionlab.kr", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("companies:dashboard")
    assert "양재비전랩" in response.content.decode()


def test_wrong_password_is_refused_and_the_email_kept(client):
    verified_user()

    response = client.post(reverse("account_login"), {"login": "ceo@visionlab.kr", "password": "wrong"})

    assert response.status_code == 200
    assert 'value="ceo@visionlab.kr"' in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_log_out(client):
    client.force_login(verified_user())

    client.post(reverse("account_logout"))

    assert client.get(reverse("companies:dashboard")).status_code == 302


def test_reset_a_forgotten_password_by_link(client, mailoutbox):
    verified_user()

    client.post(reverse("account_reset_password"), {"email": "ceo@visionlab.kr"})

    assert len(mailoutbox) == 1
    key_page = client.get(link_in(mailoutbox[0]), follow=True)
    set_path = key_page.redirect_chain[-1][0] if key_page.redirect_chain else link_in(mailoutbox[0])
    response = client.post(set_path, {"password1": "New-pass-2025!", "password2": "New-pass-2025!"})
    assert response.status_code == 302

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "ceo@visionlab.kr", "password": "New-pass-2025!"}, follow=True
    )
    assert response.context["user"].is_authenticated
