"""The companies API: serializers, filters' use and viewsets under /api/v1/."""

from companies.api.views import CompanyViewSet, MouCommitmentViewSet, MouViewSet, SelfReportViewSet, TenancyViewSet


def register(router) -> None:
    """Companies, tenancies, MOUs and their commitments, self-reports."""
    router.register("companies", CompanyViewSet, basename="company")
    router.register("tenancies", TenancyViewSet, basename="tenancy")
    router.register("mous", MouViewSet, basename="mou")
    router.register("mou-commitments", MouCommitmentViewSet, basename="mou-commitment")
    router.register("self-reports", SelfReportViewSet, basename="self-report")
