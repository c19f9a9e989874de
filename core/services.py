from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.models import ArchivableModel


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
