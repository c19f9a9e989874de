"""Related ids the user may refer to: a foreign id is refused as an invalid choice, exactly as an unknown one."""

from rest_framework import serializers

from core.api.scoping import api_scope


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key limited to the rows the requesting user may see (`api_scope` with the given paths)."""

    def __init__(self, *, zone_path: str | None = None, company_path: str | None = None, **kwargs) -> None:
        self.zone_path = zone_path
        self.company_path = company_path
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return api_scope(queryset, request.user, zone_path=self.zone_path, company_path=self.company_path)
