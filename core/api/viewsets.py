"""Base viewsets: scoped reads, writes through services, archive instead of delete."""

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.listing import with_page_columns
from core.api.permissions import ScopedPermission
from core.api.scoping import api_scope
from core.services import record_archive, record_create, record_restore, record_update


class ScopedViewSetMixin:
    """`queryset` declares the rows and their joins; `zone_path` / `company_path` say whose they are."""

    zone_path: str | None = None
    company_path: str | None = None
    permission_classes = [ScopedPermission]
    # What a list's page reads of related rows (core.api.listing.with_page_columns): columns behind required
    # foreign keys, selected into the row; columns read through their related instance, joined.
    list_inline_columns: tuple[str, ...] = ()
    list_joined_columns: tuple[str, ...] = ()

    def get_queryset(self):
        return self.for_action(
            api_scope(
                super().get_queryset(), self.request.user, zone_path=self.zone_path, company_path=self.company_path
            )
        )

    def for_action(self, queryset):
        """A list reads only the related columns its page shows; other actions read the declared joins."""
        if self.action == "list" and (self.list_inline_columns or self.list_joined_columns):
            return with_page_columns(queryset, inline=self.list_inline_columns, joined=self.list_joined_columns)
        return queryset


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """List and retrieve, scoped."""


class ScopedModelViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """List, retrieve, create and update (PUT/PATCH), scoped; no DELETE (records are archived).

    Writes go through `create_record` / `update_record`, which default to the plain-record services
    (`full_clean()` before `save()`, history user set); a view whose model has its own services overrides
    them. The response is the record read back through the scoped queryset, with its annotations.
    """

    def create_record(self, data: dict) -> models.Model:
        return record_create(model=self.get_queryset().model, acting_user=self.request.user, **data)

    def update_record(self, obj: models.Model, data: dict) -> models.Model:
        return record_update(obj=obj, acting_user=self.request.user, **data)

    def _read_back(self, obj: models.Model):
        return self.get_serializer(self.get_queryset().get(pk=obj.pk))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.create_record(dict(serializer.validated_data))
        return Response(self._read_back(obj).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        obj = self.update_record(instance, dict(serializer.validated_data))
        return Response(self._read_back(obj).data)


class ArchiveActionsMixin:
    """POST <id>/archive/ and <id>/restore/: nothing is deleted; the history says who and why."""

    action_permissions = {"archive": "change", "restore": "change"}

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        obj = record_archive(obj=self.get_object(), acting_user=request.user, reason=request.data.get("reason", ""))
        return Response(self._read_back(obj).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        obj = record_restore(obj=self.get_object(), acting_user=request.user, reason=request.data.get("reason", ""))
        return Response(self._read_back(obj).data)
