"""Who sees which rows through the API: written once, used by every endpoint and every related-id field."""

from django.db.models import Q, QuerySet

from companies.access import company_ids_for_user
from zones.selectors import zone_ids_for_user


def is_company_user(user) -> bool:
    return bool(user.is_authenticated) and company_ids_for_user(user).exists()


def api_scope(queryset: QuerySet, user, *, zone_path: str | None, company_path: str | None) -> QuerySet:
    """The rows of `queryset` the user may see.

    Superusers see everything; zone staff the rows of their zones (through `zone_path`); a company's users
    the rows of their companies (through `company_path`); anyone else nothing. Someone who is both sees
    both. A path of None means that kind of user sees none of these records.
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    visible = Q(pk__in=[])
    zone_ids = zone_ids_for_user(user)
    if zone_path and zone_ids:
        visible |= Q(**{f"{zone_path}__in": zone_ids})
    if company_path:
        visible |= Q(**{f"{company_path}__in": company_ids_for_user(user)})
    return queryset.filter(visible)
