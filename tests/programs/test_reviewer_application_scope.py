import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
def test_reviewer_sees_only_the_applications_assigned_to_them(client):
    zone = factories.ZoneFactory()
    reviewer = factories.StaffUserFactory(username="reviewer.kim")
    reviewer.user_permissions.add(Permission.objects.get(codename="view_application"))
    factories.ZoneStaffFactory(zone=zone, user=reviewer, role="reviewer")
    call = factories.CallFactory(program=factories.ProgramFactory(zone=zone))
    assigned = factories.ApplicationFactory(call=call, title="배정된 신청", status="under_review")
    other = factories.ApplicationFactory(call=call, title="배정되지 않은 신청", status="under_review")
    factories.ReviewFactory(application=assigned, reviewer=reviewer)
    client.force_login(reviewer)

    listing = client.get(reverse("admin:programs_application_changelist"))
    foreign = client.get(reverse("admin:programs_application_change", args=[other.pk]))

    assert listing.status_code == 200
    assert [a.pk for a in listing.context["cl"].result_list] == [assigned.pk]
    # Another application of the same zone does not open: the admin sends the reviewer back to its index.
    assert foreign.status_code == 302
    assert foreign.url == reverse("admin:index")
