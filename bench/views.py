"""The bare comparison views of bench.api_lists: the first page of an API list as plain Django would serve it.

Each view authenticates the token as DRF's TokenAuthentication does (one query: the token with its user),
then returns the same rows as the API's first page (same ordering, same annotations and joined columns)
read with `.values()` and written by JsonResponse. What it leaves out is the framework: throttling,
permissions, content negotiation, filter backends, cursor links, serializers and renderers. Mounted only by
config.settings.bench (ROOT_URLCONF = "bench.urls").
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from rest_framework.authtoken.models import Token

from companies.models import Company, Mou
from programs.models import Application, Enrolment

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

COMPANY_FIELDS = (
    "id",
    "name_ko",
    "name_en",
    "brn",
    "corporate_number",
    "size",
    "founded_on",
    "headcount",
    "representative",
    "sido",
    "sigungu",
    "road_name",
    "building_no",
    "address_detail",
    "postcode",
    "phone",
    "email",
    "website",
    "archived_at",
    "created_at",
    "updated_at",
)
APPLICATION_FIELDS = (
    "id",
    "call",
    "call__title_ko",
    "call__program_id",
    "call__program__zone_id",
    "call__program__kind",
    "company",
    "company__name_ko",
    "status",
    "title",
    "summary",
    "requested_amount_krw",
    "requested_gpu_hours",
    "special_case",
    "cohort",
    "answers",
    "form_version",
    "submitted_at",
    "decided_at",
    "average_score",
    "review_count",
    "screening__eligible",
    "screening__reason",
    "screening__screened_by",
    "screening__screened_at",
    "archived_at",
    "created_at",
    "updated_at",
)
MOU_FIELDS = (
    "id",
    "zone",
    "zone__name_ko",
    "company",
    "company__name_ko",
    "counterparty_name",
    "title",
    "signed_on",
    "ends_on",
    "status",
    "note",
    "jobs_promised",
    "jobs_actual",
    "investment_promised_krw",
    "investment_actual_krw",
    "offices_promised",
    "offices_opened",
    "archived_at",
    "created_at",
    "updated_at",
)
ENROLMENT_FIELDS = (
    "id",
    "cohort",
    "cohort__name",
    "cohort__training_program_id",
    "cohort__training_program__name_ko",
    "cohort__training_program__zone_id",
    "trainee",
    "trainee__full_name",
    "application",
    "status",
    "enrolled_on",
    "completed_on",
    "dropped_on",
    "employed_by",
    "employer_name",
    "employed_on",
    "job_title",
    "archived_at",
    "created_at",
    "updated_at",
)


def _token_user(request: HttpRequest):
    """The active user of the request's `Authorization: Token <key>`, or None (the query DRF makes)."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "token" or not key:
        return None
    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token is not None and token.user.is_active else None


def _page(request: HttpRequest, queryset, fields: tuple[str, ...], *, with_ai_fields: bool = False) -> JsonResponse:
    if _token_user(request) is None:
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
    try:
        size = min(max(int(request.GET.get("page_size", PAGE_SIZE)), 1), MAX_PAGE_SIZE)
    except ValueError:
        size = PAGE_SIZE
    rows = list(queryset.order_by("-id").values(*fields)[:size])
    if with_ai_fields:  # the companies' AI fields, as the API lists them: one more query for the page
        by_company = {row["id"]: [] for row in rows}
        links = Company.ai_fields.through.objects.filter(company_id__in=by_company).order_by("aifield__name_ko")
        for link in links.values("company_id", "aifield_id", "aifield__code", "aifield__name_ko", "aifield__name_en"):
            by_company[link["company_id"]].append(link)
        for row in rows:
            row["ai_fields"] = by_company[row["id"]]
    return JsonResponse({"results": rows}, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def companies(request: HttpRequest) -> JsonResponse:
    return _page(request, Company.objects.all(), COMPANY_FIELDS, with_ai_fields=True)


def applications(request: HttpRequest) -> JsonResponse:
    queryset = Application.objects.with_review_score()
    if status := request.GET.get("status"):
        queryset = queryset.filter(status=status)
    return _page(request, queryset, APPLICATION_FIELDS)


def mous(request: HttpRequest) -> JsonResponse:
    return _page(request, Mou.objects.with_delivery(), MOU_FIELDS)


def enrolments(request: HttpRequest) -> JsonResponse:
    return _page(request, Enrolment.objects.all(), ENROLMENT_FIELDS)
