from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.models import ArchivableModel, TransitionLog


@transaction.atomic
def record_create(*, model: type[models.Model], acting_user, **fields) -> models.Model:
    """A plain record (one without a workflow service of its own): validated, saved, its history user set."""
    obj = model(**fields)
    obj.full_clean()
    obj._history_user = acting_user
    obj.save()
    return obj


@transaction.atomic
def record_update(*, obj: models.Model, acting_user, **changes) -> models.Model:
    """Change a plain record: the row locked, the changes applied and validated, the history user set."""
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked._history_user = acting_user
    locked.save()
    return locked


@transaction.atomic
def record_archive(*, obj: ArchivableModel, acting_user, reason: str = "") -> ArchivableModel:
    """Archive a record instead of deleting it; the history row says who and why."""
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if locked.archived_at is not None:
        raise ApplicationError(_("%(record)s is already archived.") % {"record": locked})
    locked.archived_at = timezone.now()
    locked.archived_by = acting_user
    locked._change_reason = reason or "archived"
    locked._history_user = acting_user
    locked.save(update_fields=["archived_at", "archived_by", "updated_at"])
    return locked


@transaction.atomic
def record_restore(*, obj: ArchivableModel, acting_user, reason: str = "") -> ArchivableModel:
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if locked.archived_at is None:
        raise ApplicationError(_("%(record)s is not archived.") % {"record": locked})
    locked.archived_at = None
    locked.archived_by = None
    locked._change_reason = reason or "restored"
    locked._history_user = acting_user
    locked.save(update_fields=["archived_at", "archived_by", "updated_at"])
    return locked


@transaction.atomic
def workflow_transition(
    *,
    obj,
    to: str,
    acting_user,
    comment: str = "",
    expected_from: str | None = None,
    field: str = "status",
    transitions: dict | None = None,
    **changes,
):
    """Move a record along its workflow: lock the row, check the step is allowed from where it *is*
    (and from where the person deciding saw it), apply the changes, validate, save, write the audit row.

    `transitions` defaults to the model's TRANSITIONS table. Two people deciding at once: the second
    finds the status changed under them and gets a conflict message; nothing is overwritten.
    """
    model = type(obj)
    locked = model._default_manager.select_for_update().get(pk=obj.pk)
    current = getattr(locked, field)
    if expected_from is not None and current != expected_from:
        raise ApplicationError(
            _(
                "Someone else changed this record while you were deciding: it is now “%(now)s”. "
                "Reload the page and decide again."
            )
            % {"now": _status_label(locked, field)}
        )
    table = transitions if transitions is not None else model.TRANSITIONS
    if to not in table.get(current, ()):
        raise ApplicationError(
            _("This step is not allowed: “%(from)s” cannot become “%(to)s”.")
            % {"from": _status_label(locked, field), "to": dict(model._meta.get_field(field).choices).get(to, to)}
        )
    for name, value in changes.items():
        setattr(locked, name, value)
    setattr(locked, field, to)
    locked._history_user = acting_user
    locked._change_reason = comment[:100] if comment else f"{current} → {to}"
    locked.full_clean()
    locked.save()
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=locked.pk,
        actor=acting_user,
        from_status=current,
        to_status=to,
        comment=comment,
    )
    return locked


def _status_label(obj, field: str) -> str:
    return str(getattr(obj, f"get_{field}_display")())
