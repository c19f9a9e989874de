"""The personal data access log (PIPA): who saw, exported or anonymised personal data, when and from where.

Callers record an access once the data is about to be shown whole; masked data is not recorded. The row is
written in the caller's transaction: if it cannot be written, the data is not shown either.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import PersonalDataAccess
from core.security.clientip import client_ip
from zones.selectors import zone_ids_for_user

Action = PersonalDataAccess.Action
PATH_MAX = PersonalDataAccess._meta.get_field("path").max_length


def access_zone_id(*, actor, record_zone_ids: Iterable[int] | None = None) -> int | None:
    """The one zone an access concerns, if there is one: the records' zones within the actor's zones."""
    candidates = None if record_zone_ids is None else set(record_zone_ids)
    actor_zones = zone_ids_for_user(actor) if actor is not None else None
    if actor_zones is not None:
        candidates = set(actor_zones) if candidates is None else candidates & set(actor_zones)
    if candidates is not None and len(candidates) == 1:
        return next(iter(candidates))
    return None


def personal_data_access_record(
    *,
    actor,
    action: str,
    model: type[models.Model],
    object_id: int | None = None,
    record_count: int = 1,
    request=None,
    record_zone_ids: Iterable[int] | None = None,
) -> PersonalDataAccess:
    """Write one access row. `record_zone_ids`: the zones of the records, when the caller knows them."""
    path = (getattr(request, "path", "") or "")[:PATH_MAX]
    return PersonalDataAccess.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(model),
        object_id=object_id,
        record_count=max(int(record_count), 0),
        zone_id=access_zone_id(actor=actor, record_zone_ids=record_zone_ids),
        ip_address=client_ip(request) if request is not None else None,
        path=path,
    )
