"""The company profile in the portal: register, claim (approved in the admin), edit, switch companies."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from companies import services
from companies.models import Company, CompanyClaim, CompanyMember
from core.exceptions import ApplicationError
from tests import factories

pytestmark = pytest.mark.django_db

GOOD_BRN = "220-81-62517"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def user(client):
    user = factories.UserFactory(email="ceo@visionlab.kr")
    client.force_login(user)
    return user


def company_data(**overrides) -> dict:
    data = {
        "name_ko": "주식회사 양재비전랩",
        "name_en": "Yangjae Vision Lab",
        "brn": GOOD_BRN,
        "corporate_number": "",
        "size": Company.Size.STARTUP,
        "founded_on": "2021-03-02",
        "headcount": "12",
        "representative": "한지우",
        "sido": "서울특별시",
        "sigungu": "서초구",
        "road_name": "강남대로",
        "building_no": "201",
        "address_detail": "5층",
        "postcode": "06742",
        "phone": "02-123-4567",
        "email": "contact@visionlab.kr",
        "website": "visionlab.kr",
    }
    data.update(overrides)
    return data


# --- start ---------------------------------------------------------------------------


def test_a_user_without_a_company_is_sent_to_choose_register_or_claim(client, user):
    response = client.get(reverse("companies:dashboard"))

    assert response.status_code == 302
    assert response.url == reverse("companies:company_start")
    page = client.get(response.url).content.decode()
    assert reverse("companies:company_create") in page
    assert reverse("companies:company_claim") in page


# --- register ------------------------------------------------------------------------


def test_register_with_a_wrong_check_digit_says_so_and_keeps_what_was_typed(client, user):
    response = client.post(reverse("companies:company_create"), company_data(brn="220-81-62518"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "check digit is wrong" in content
    assert 'value="220-81-62518"' in content
    assert 'value="주식회사 양재비전랩"' in content
    assert 'value="06742"' in content
    assert 'aria-describedby="id_brn_helptext id_brn_error"' in content
    assert not Company.objects.exists()


def test_register_makes_the_user_owner_of_the_new_company(client, user):
    vision = factories.AIFieldFactory(code="vision", name_ko="비전", name_en="Vision")

    response = client.post(reverse("companies:company_create"), company_data(ai_fields=[vision.pk]))

    assert response.status_code == 302
    assert response.url == reverse("companies:dashboard")
    company = Company.objects.get()
    assert company.brn == "2208162517"
    assert company.website == "https://visionlab.kr"
    assert list(company.ai_fields.all()) == [vision]
    member = CompanyMember.objects.get()
    assert (member.company, member.user, member.role, member.is_active) == (company, user, "owner", True)
    page = client.get(reverse("companies:dashboard")).content.decode()
    assert "주식회사 양재비전랩" in page
    assert "220-81-62517" in page


def test_register_a_registered_number_offers_the_claim_page(client, user):
    factories.CompanyFactory(brn="2208162517")

    response = client.post(reverse("companies:company_create"), company_data(brn="2208162517"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "already registered" in content
    assert f"{reverse('companies:company_claim')}?brn=2208162517" in content
    assert Company.objects.count() == 1


def test_register_service_refuses_a_registered_number_on_the_brn_field():
    factories.CompanyFactory(brn="2208162517")

    with pytest.raises(ApplicationError) as refused:
        services.company_register(acting_user=factories.UserFactory(), data=company_data(brn="220-81-62517"))

    assert refused.value.field == "brn"


# --- claim ---------------------------------------------------------------------------


def test_claim_a_company_without_owner_then_the_office_approves_it(client, user, superuser):
    company = factories.CompanyFactory(brn="2208162517", name_ko="양재비전랩")
    claim_url = reverse("companies:company_claim")

    assert 'value="2208162517"' in client.get(f"{claim_url}?brn=2208162517").content.decode()
    response = client.post(claim_url, {"brn": GOOD_BRN, "position": "CEO", "message": "02-123-4567"})

    assert response.status_code == 302
    claim = CompanyClaim.objects.get()
    assert (claim.company, claim.user, claim.status) == (company, user, "pending")
    assert "양재비전랩" in client.get(reverse("companies:company_start")).content.decode()

    office = Client()
    office.force_login(superuser)
    response = office.post(
        reverse("admin:companies_companyclaim_changelist"),
        {"action": "approve_claims", "_selected_action": [claim.pk]},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "approved"
    assert CompanyMember.objects.get(company=company, user=user).role == "owner"
    assert client.get(reverse("companies:dashboard")).status_code == 200


def test_claim_approval_emails_the_claimant(mailoutbox, django_capture_on_commit_callbacks):
    claim = CompanyClaim.objects.create(company=factories.CompanyFactory(), user=factories.UserFactory())

    with django_capture_on_commit_callbacks(execute=True):
        services.company_claim_approve(claim=claim, acting_user=factories.StaffUserFactory())

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [claim.user.email]
    assert "approved" in mailoutbox[0].subject


def test_office_refuses_a_claim(admin_client):
    claim = CompanyClaim.objects.create(company=factories.CompanyFactory(), user=factories.UserFactory())

    admin_client.post(
        reverse("admin:companies_companyclaim_changelist"), {"action": "refuse_claims", "_selected_action": [claim.pk]}
    )

    claim.refresh_from_db()
    assert claim.status == "refused"
    assert not CompanyMember.objects.exists()


def test_a_company_with_an_active_owner_cannot_be_claimed_ask_for_an_invitation(client, user):
    company = factories.CompanyFactory(brn="2208162517")
    factories.CompanyMemberFactory(company=company, role="owner")

    response = client.post(reverse("companies:company_claim"), {"brn": GOOD_BRN})

    assert response.status_code == 200
    assert "Ask the owner to invite you" in response.content.decode()
    assert not CompanyClaim.objects.exists()


def test_claim_of_an_unknown_number_points_to_registering(client, user):
    response = client.post(reverse("companies:company_claim"), {"brn": GOOD_BRN})

    assert "register it instead" in response.content.decode()


def test_claim_with_a_wrong_check_digit_keeps_the_number(client, user):
    response = client.post(reverse("companies:company_claim"), {"brn": "220-81-62518"})

    content = response.content.decode()
    assert "check digit is wrong" in content
    assert 'value="220-81-62518"' in content


def test_a_second_claim_by_the_same_user_is_refused():
    company = factories.CompanyFactory()
    user = factories.UserFactory()
    services.company_claim_request(acting_user=user, brn=company.brn)

    with pytest.raises(ApplicationError, match="already claimed"):
        services.company_claim_request(acting_user=user, brn=company.brn)


def test_approving_is_refused_once_the_company_has_an_owner():
    company = factories.CompanyFactory()
    claim = services.company_claim_request(acting_user=factories.UserFactory(), brn=company.brn)
    factories.CompanyMemberFactory(company=company, role="owner")

    with pytest.raises(ApplicationError, match="has an owner"):
        services.company_claim_approve(claim=claim, acting_user=factories.StaffUserFactory())

    services.company_claim_refuse(claim=claim, acting_user=factories.StaffUserFactory())
    with pytest.raises(ApplicationError, match="already decided"):
        services.company_claim_refuse(claim=claim, acting_user=factories.StaffUserFactory())


# --- edit ----------------------------------------------------------------------------


def test_owner_edits_the_profile_but_not_the_number(client, user):
    company = factories.CompanyFactory(brn="2208162517", name_ko="옛 이름")
    factories.CompanyMemberFactory(company=company, user=user, role="owner")
    page = client.get(reverse("companies:company_edit")).content.decode()
    assert "220-81-62517" in page
    assert 'name="brn"' not in page

    response = client.post(
        reverse("companies:company_edit"), company_data(name_ko="새 이름", brn="1234567890", headcount="30")
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name_ko, company.headcount, company.brn) == ("새 이름", 30, "2208162517")


def test_owner_edit_errors_keep_the_input(client, user):
    company = factories.CompanyFactory()
    factories.CompanyMemberFactory(company=company, user=user, role="owner")

    response = client.post(reverse("companies:company_edit"), company_data(name_ko="새 이름", postcode="123"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "A postcode has 5 digits." in content
    assert 'value="새 이름"' in content


def test_a_member_sees_the_profile_read_only(client, user):
    company = factories.CompanyFactory(name_ko="양재비전랩")
    factories.CompanyMemberFactory(company=company, user=user, role="member")

    page = client.get(reverse("companies:company_edit"))
    assert page.status_code == 200
    assert '<form method="post" novalidate' not in page.content.decode()
    assert "Only the company's owners can edit" in page.content.decode()

    assert client.post(reverse("companies:company_edit"), company_data(name_ko="x")).status_code == 403
    company.refresh_from_db()
    assert company.name_ko == "양재비전랩"


# --- dashboard and switcher ----------------------------------------------------------


def test_dashboard_shows_the_company_card_and_renders_without_the_programs_pages(client, user):
    company = factories.CompanyFactory(brn="2208162517", name_ko="양재비전랩", name_en="Yangjae Vision Lab")
    factories.CompanyMemberFactory(company=company, user=user)

    response = client.get(reverse("companies:dashboard"))

    content = response.content.decode()
    assert response.status_code == 200
    for text in ("양재비전랩", "Yangjae Vision Lab", "220-81-62517", "Startup"):
        assert text in content
    for name in ("companies:company_edit", "companies:members", "companies:selfreport_list"):
        assert reverse(name) in content


def test_a_user_acting_for_two_companies_switches_between_them(client, user):
    first = factories.CompanyFactory(name_ko="가나다 에이아이")
    second = factories.CompanyFactory(name_ko="하하 로보틱스")
    factories.CompanyMemberFactory(company=first, user=user)
    factories.CompanyMemberFactory(company=second, user=user, role="member")
    assert 'id="company-switch"' in client.get(reverse("companies:dashboard")).content.decode()

    response = client.post(reverse("companies:company_switch"), {"company": second.pk}, follow=True)

    assert response.context["company"] == second


def test_switching_to_a_company_the_user_does_not_act_for_is_not_found(client, user):
    factories.CompanyMemberFactory(user=user)
    other = factories.CompanyFactory()

    assert client.post(reverse("companies:company_switch"), {"company": other.pk}).status_code == 404
    assert client.post(reverse("companies:company_switch"), {"company": "x"}).status_code == 404


def test_the_office_reads_a_claim_and_may_note_before_deciding(admin_client):
    company = factories.CompanyFactory(brn="2208162517")
    claim = services.company_claim_request(acting_user=factories.UserFactory(), brn=company.brn, position="CEO")

    listing = admin_client.get(reverse("admin:companies_companyclaim_changelist"), {"q": "220-81-62517"})
    page = admin_client.get(reverse("admin:companies_companyclaim_change", args=[claim.pk]))

    assert [row.pk for row in listing.context["cl"].result_list] == [claim.pk]
    content = page.content.decode()
    assert 'name="decision_note"' in content
    assert 'name="status"' not in content
    assert admin_client.get(reverse("admin:companies_companyclaim_add")).status_code == 403
