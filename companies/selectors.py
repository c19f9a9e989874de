"""Reading companies, tenancies and MOUs: zone scope, registration-number search, delivery figures."""

import re
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from companies.models import Mou, Tenancy
from core.validators import normalize_digits
from zones.selectors import scope_to_user_zones

_NUMBER_TERM = re.compile(r"[\d\s-]+")
_MIN_DIGITS = 3


def registration_number_digits(term: str) -> str | None:
    """The digits of a search term typed as a registration number ("220-81-62517", "2208162517", "220-81").

    None when the term has anything but digits, dashes and spaces, or fewer than three digits.
    """
    term = (term or "").strip()
    if not _NUMBER_TERM.fullmatch(term):
        return None
    digits = normalize_digits(term)
    return digits if len(digits) >= _MIN_DIGITS else None


def registration_number_q(digits: str, paths: tuple[str, ...]) -> Q:
    """Rows whose number at any of `paths` ("brn", "company__brn", ...) starts with `digits`."""
    return reduce(or_, (Q(**{f"{path}__startswith": digits}) for path in paths))


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
