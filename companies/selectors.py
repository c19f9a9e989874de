"""Reading companies, tenancies and MOUs: zone scope, delivery figures."""

from django.db.models import QuerySet

from companies.models import Mou, Tenancy
from zones.selectors import scope_to_user_zones


def tenancy_list(*, user, company=None) -> QuerySet[Tenancy]:
    """Active tenancies in the user's zones, with their company and zone."""
    queryset = Tenancy.objects.active().for_admin_list()
    if company is not None:
        queryset = queryset.filter(company=company)
    return scope_to_user_zones(queryset, user, "zone")


def mou_list(*, user, company=None) -> QuerySet[Mou]:
    """Active MOUs in the user's zones, with promised against delivered figures."""
    queryset = Mou.objects.active().for_admin_list()
    if company is not None:
        queryset = queryset.filter(company=company)
    return scope_to_user_zones(queryset, user, "zone")
