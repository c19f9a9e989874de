"""Several people act for one company: the owner invites them by e-mail, they accept, the owner deactivates."""

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone, translation

from companies import services
from companies.models import CompanyInvitation, CompanyMember
from core.exceptions import ApplicationError
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def owner():
    return factories.CompanyMemberFactory(role="owner", user__email="owner@visionlab.kr", company__name_ko="양재비전랩")


def invite(owner, email="dev@visionlab.kr", role="member") -> CompanyInvitation:
    return services.company_invitation_send(
        company=owner.company, email=email, role=role, acting_user=owner.user, base_url="http://testserver/"
    )


def test_owner_invites_by_email_with_a_seven_day_link(client, owner, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(owner.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("companies:invite"), {"email": "Dev@VisionLab.kr", "role": "member"})

    assert response.status_code == 302
    invitation = CompanyInvitation.objects.get()
    assert invitation.email == "dev@visionlab.kr"
    assert invitation.invited_by == owner.user
    assert abs(invitation.expires_at - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["dev@visionlab.kr"]
    assert f"http://testserver/portal/invitation/{invitation.token}/" in mailoutbox[0].body
    assert "dev@visionlab.kr" in client.get(reverse("companies:members")).content.decode()


def test_no_email_leaves_before_the_invitation_is_committed(owner, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(owner)

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_invited_user_with_the_matching_email_accepts_and_becomes_member(client, owner, mailoutbox):
    invitation = invite(owner)
    colleague = factories.UserFactory(email="dev@visionlab.kr")
    client.force_login(colleague)
    url = reverse("companies:invitation_accept", args=[invitation.token])

    page = client.get(url)
    assert "양재비전랩" in page.content.decode()
    assert not CompanyMember.objects.filter(user=colleague).exists()  # a GET changes nothing

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("companies:dashboard")
    member = CompanyMember.objects.get(user=colleague)
    assert (member.company, member.role, member.invited_by) == (owner.company, "member", owner.user)
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague
    assert client.post(url).status_code == 200
    assert "already been used" in client.get(url).content.decode()


def test_a_confirmed_secondary_address_matches_too(owner):
    invitation = invite(owner, email="jiwoo@visionlab.kr")
    colleague = factories.UserFactory(email="jiwoo@gmail.com")
    EmailAddress.objects.create(user=colleague, email="jiwoo@visionlab.kr", verified=True)

    member = services.company_invitation_accept(token=invitation.token, acting_user=colleague)

    assert member.company == owner.company


def test_a_user_with_another_email_cannot_accept(client, owner):
    invitation = invite(owner)
    stranger = factories.UserFactory(email="someone@else.kr")
    EmailAddress.objects.create(user=stranger, email="dev@visionlab.kr", verified=False)
    client.force_login(stranger)

    response = client.post(reverse("companies:invitation_accept", args=[invitation.token]))

    assert "This invitation was sent to dev@visionlab.kr" in response.content.decode()
    assert not CompanyMember.objects.filter(user=stranger).exists()


def test_an_expired_invitation_says_so(client, owner):
    invitation = invite(owner)
    colleague = factories.UserFactory(email="dev@visionlab.kr")

    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        client.force_login(colleague)  # a week later: a session of that day (an older one has timed out)
        response = client.post(reverse("companies:invitation_accept", args=[invitation.token]))

    assert "This invitation expired on" in response.content.decode()
    assert not CompanyMember.objects.filter(user=colleague).exists()


def test_a_withdrawn_invitation_says_so(client, owner):
    invitation = invite(owner)
    client.force_login(owner.user)
    client.post(reverse("companies:invitation_revoke", args=[invitation.pk]))
    colleague = factories.UserFactory(email="dev@visionlab.kr")
    client.force_login(colleague)

    response = client.post(reverse("companies:invitation_accept", args=[invitation.token]))

    assert "This invitation was withdrawn" in response.content.decode()
    assert not CompanyMember.objects.filter(user=colleague).exists()


def test_inviting_the_same_address_again_withdraws_the_earlier_link(owner):
    first = invite(owner)
    second = invite(owner)

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None


def test_an_unknown_token_is_not_found_with_a_message(client):
    client.force_login(factories.UserFactory())

    response = client.get(reverse("companies:invitation_accept", args=["no-such-token"]))

    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_an_anonymous_invitee_is_asked_to_log_in_and_comes_back(client, owner):
    invitation = invite(owner)
    url = reverse("companies:invitation_accept", args=[invitation.token])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url


def test_inviting_someone_who_already_acts_for_the_company_is_refused(owner):
    factories.CompanyMemberFactory(company=owner.company, user__email="dev@visionlab.kr", role="member")

    with pytest.raises(ApplicationError) as refused:
        invite(owner)

    assert refused.value.field == "email"


def test_a_member_who_is_not_owner_cannot_invite(client, owner):
    member = factories.CompanyMemberFactory(company=owner.company, role="member")
    client.force_login(member.user)

    assert client.get(reverse("companies:invite")).status_code == 403
    assert client.post(reverse("companies:invite"), {"email": "x@y.kr", "role": "owner"}).status_code == 403
    with pytest.raises(ApplicationError, match="Only an owner"):
        services.company_invitation_send(
            company=owner.company, email="x@y.kr", acting_user=member.user, base_url="http://testserver/"
        )
    assert not CompanyInvitation.objects.exists()


def test_invite_form_errors_keep_the_input(client, owner):
    client.force_login(owner.user)

    response = client.post(reverse("companies:invite"), {"email": "not-an-email", "role": "member"})

    assert response.status_code == 200
    assert 'value="not-an-email"' in response.content.decode()


def test_owner_deactivates_a_member(client, owner):
    member = factories.CompanyMemberFactory(company=owner.company, role="member")
    client.force_login(owner.user)

    response = client.post(reverse("companies:member_deactivate", args=[member.pk]))

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_active is False
    client.force_login(member.user)
    assert client.get(reverse("companies:dashboard")).url == reverse("companies:company_start")


def test_the_last_owner_cannot_deactivate_themselves(client, owner):
    client.force_login(owner.user)

    response = client.post(reverse("companies:member_deactivate", args=[owner.pk]), follow=True)

    assert "last owner" in response.content.decode()
    owner.refresh_from_db()
    assert owner.is_active is True


def test_an_owner_may_leave_when_another_owner_remains(owner):
    factories.CompanyMemberFactory(company=owner.company, role="owner")

    services.company_member_deactivate(member=owner, acting_user=owner.user)

    owner.refresh_from_db()
    assert owner.is_active is False


def test_a_member_cannot_deactivate_anyone(client, owner):
    member = factories.CompanyMemberFactory(company=owner.company, role="member")
    client.force_login(member.user)

    client.post(reverse("companies:member_deactivate", args=[owner.pk]))

    owner.refresh_from_db()
    assert owner.is_active is True


def test_the_members_page_lists_people_and_open_invitations_for_the_owner(client, owner):
    member = factories.CompanyMemberFactory(company=owner.company, role="member", user__email="kim@visionlab.kr")
    invite(owner, email="lee@visionlab.kr")
    client.force_login(owner.user)

    content = client.get(reverse("companies:members")).content.decode()

    assert "kim@visionlab.kr" in content
    assert "lee@visionlab.kr" in content
    assert reverse("companies:member_deactivate", args=[member.pk]) in content

    client.force_login(member.user)
    content = client.get(reverse("companies:members")).content.decode()
    assert "lee@visionlab.kr" not in content
    assert not re.search(r"members/\d+/deactivate", content)


def test_an_invitation_shows_on_the_start_page_of_the_invitee(client, owner):
    invitation = invite(owner)
    client.force_login(factories.UserFactory(email="dev@visionlab.kr"))

    content = client.get(reverse("companies:company_start")).content.decode()

    assert urlparse(reverse("companies:invitation_accept", args=[invitation.token])).path in content


def test_the_office_looks_up_invitations_read_only(admin_client, owner):
    invitation = invite(owner)

    listing = admin_client.get(reverse("admin:companies_companyinvitation_changelist"), {"q": "dev@visionlab"})
    page = admin_client.get(reverse("admin:companies_companyinvitation_change", args=[invitation.pk]))

    assert [row.pk for row in listing.context["cl"].result_list] == [invitation.pk]
    assert "Waiting for an answer" in listing.content.decode()
    assert page.status_code == 200
    assert 'name="email"' not in page.content.decode()
    assert invitation.token not in page.content.decode()
