import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zones.models import PlanOperator, Zone, ZoneStaff


def zone_ids_for_user(user) -> list[int] | None:
    """The zones a user works for; None means every zone (superusers)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cached = getattr(user, "_zone_ids_cache", None)
    if cached is None:
        cached = list(ZoneStaff.objects.filter(user=user, is_active=True).values_list("zone_id", flat=True))
        user._zone_ids_cache = cached
    return cached


def scope_to_user_zones(queryset: QuerySet, user, zone_path: str) -> QuerySet:
    """Restrict a queryset to the user's zones through `zone_path` (e.g. "call__program__zone")."""
    zone_ids = zone_ids_for_user(user)
    if zone_ids is None:
        return queryset
    return queryset.filter(**{f"{zone_path}__in": zone_ids})


def zone_list_public() -> QuerySet[Zone]:
    """Zones shown on the public home page, with their headline counts computed in the database."""
    now = timezone.now()
    return (
        Zone.objects.active()
        .annotate(
            resident_count=Count(
                "tenancies",
                filter=Q(tenancies__status="resident", tenancies__archived_at__isnull=True),
                distinct=True,
            ),
            open_call_count=Count(
                "programs__calls",
                filter=Q(
                    programs__calls__is_published=True,
                    programs__calls__opens_at__lte=now,
                    programs__calls__closes_at__gt=now,
                    programs__calls__archived_at__isnull=True,
                ),
                distinct=True,
            ),
        )
        .order_by("designated_on", "name_ko")
    )


def plan_operators_in_force(zone: Zone | int, *, on: dt.date | None = None) -> QuerySet[PlanOperator]:
    """The operators a zone's plan names on a day (today by default): named by then, not yet removed."""
    on = on or timezone.localdate()
    return PlanOperator.objects.filter(zone=zone).filter(
        Q(named_on__isnull=True) | Q(named_on__lte=on),
        Q(removed_on__isnull=True) | Q(removed_on__gt=on),
    )


def company_is_plan_operator(company, zone: Zone | int, *, on: dt.date | None = None) -> bool:
    """Only businesses named in the zone plan may use its special cases; a firm merely located there may not."""
    if company is None or zone is None:
        return False
    return plan_operators_in_force(zone, on=on).filter(company=company).exists()
