"""Which company a portal user acts for. Every portal lookup of a company's records starts here."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.shortcuts import redirect

from companies.models import Company, CompanyMember

SESSION_KEY = "portal_company_id"


def user_companies(user) -> QuerySet[Company]:
    """The active companies the user acts for through an active membership."""
    if not user.is_authenticated:
        return Company.objects.none()
    return Company.objects.filter(archived_at__isnull=True, members__user=user, members__is_active=True).order_by(
        "name_ko"
    )


def company_ids_for_user(user) -> QuerySet:
    """The active companies the user acts for, as a subquery of ids."""
    return CompanyMember.objects.filter(user=user, is_active=True, company__archived_at__isnull=True).values(
        "company_id"
    )


def current_company(request) -> Company | None:
    """The company chosen in this session, or the user's only/first one; None if the user acts for none."""
    companies = user_companies(request.user)
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        company = companies.filter(pk=chosen).first()
        if company is not None:
            return company
    return companies.first()


def select_company(request, company_id: int) -> Company | None:
    company = user_companies(request.user).filter(pk=company_id).first()
    if company is not None:
        request.session[SESSION_KEY] = company.pk
    return company


def company_required(view):
    """Portal views that act for a company: log in first, then register or claim a company first.

    Sets `request.company`; every query of company records in the view filters by it.
    """

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        company = current_company(request)
        if company is None:
            return redirect("companies:company_start")
        request.company = company
        return view(request, *args, **kwargs)

    return wrapped
