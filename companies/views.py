"""The company portal: a company's profile, its people and its self-reports.

Views parse the request, call a selector or a service and render. Every record is looked up through the
company the user acts for (`request.company`, set by company_required), so another company's id is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies import selectors, services
from companies.access import company_required, select_company, user_companies
from companies.forms import (
    CompanyClaimForm,
    CompanyProfileForm,
    CompanyRegisterForm,
    InvitationForm,
    SelfReportForm,
)
from companies.models import CompanyInvitation, CompanyMember, SelfReport
from core.exceptions import ApplicationError
from core.formatting import format_krw
from core.validators import normalize_digits


def _show_error(form: Form, error: ApplicationError | ValidationError) -> None:
    """Put a refusal beside the field it is about, or above the form."""
    if isinstance(error, ApplicationError):
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
    else:
        form.add_error(None, error)


def _portal_base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _report_figures(report: SelfReport | None) -> list[tuple[str, str]]:
    """A report's figures as a person reads them: counts with separators, money in 억원 / KRW."""
    if report is None:
        return []
    figures = []
    for name in SelfReportForm.FIGURES:
        value = getattr(report, name)
        if value is None:
            shown = "-"
        elif name.endswith("_krw"):
            shown = format_krw(value)
        else:
            shown = f"{value:,}"
        figures.append((capfirst(SelfReport._meta.get_field(name).verbose_name), shown))
    return figures


# --- home ----------------------------------------------------------------------------


@company_required
def dashboard(request: HttpRequest) -> HttpResponse:
    company = request.company
    periods = selectors.selfreport_periods(company=company)
    context = {
        "company": company,
        "ai_fields": company.ai_fields.all(),
        "companies": user_companies(request.user),
        "is_owner": selectors.company_is_owner(company=company, user=request.user),
        "member_count": selectors.company_member_list(company=company).filter(is_active=True).count(),
        "reports_to_do": sum(1 for period in periods if period.owed and period.needs_action),
        "reports_owed": sum(1 for period in periods if period.owed),
    }
    return render(request, "companies/dashboard.html", context)


@login_required
def company_start(request: HttpRequest) -> HttpResponse:
    context = {
        "companies": user_companies(request.user),
        "claims": selectors.company_claim_list_for_user(user=request.user),
        "invitations": selectors.invitation_list_for_user(user=request.user),
    }
    return render(request, "companies/company_start.html", context)


@login_required
@require_POST
def company_switch(request: HttpRequest) -> HttpResponse:
    try:
        company_id = int(request.POST.get("company", ""))
    except ValueError as error:
        raise Http404 from error
    company = select_company(request, company_id)
    if company is None:
        raise Http404
    messages.info(request, _("You now act for %(company)s.") % {"company": company})
    return redirect("companies:dashboard")


# --- the company profile ---------------------------------------------------------------


@login_required
def company_create(request: HttpRequest) -> HttpResponse:
    form = CompanyRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_register(acting_user=request.user, data=form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            _show_error(form, error)
        else:
            select_company(request, company.pk)
            messages.success(request, _("%(company)s is registered and you are its owner.") % {"company": company})
            return redirect("companies:dashboard")
    claim_brn = normalize_digits(form["brn"].value() or "") if form.is_bound else ""
    return render(request, "companies/company_create.html", {"form": form, "claim_brn": claim_brn})


@login_required
def company_claim(request: HttpRequest) -> HttpResponse:
    form = CompanyClaimForm(request.POST or None, initial={"brn": request.GET.get("brn", "")})
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.company_claim_request(acting_user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            _show_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your claim for %(company)s was sent to the zone office. You will receive an email "
                    "when it is decided."
                )
                % {"company": claim.company},
            )
            return redirect("companies:company_start")
    return render(request, "companies/company_claim.html", {"form": form})


@company_required
def company_edit(request: HttpRequest) -> HttpResponse:
    company = request.company
    is_owner = selectors.company_is_owner(company=company, user=request.user)
    if not is_owner:
        if request.method == "POST":
            raise PermissionDenied
        return render(
            request,
            "companies/company_profile.html",
            {"company": company, "ai_fields": company.ai_fields.all(), "is_owner": False},
        )
    form = CompanyProfileForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(company=company, acting_user=request.user, data=form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            _show_error(form, error)
        else:
            messages.success(request, _("The company profile was saved."))
            return redirect("companies:dashboard")
    return render(request, "companies/company_profile.html", {"company": company, "form": form, "is_owner": True})


# --- members and invitations -----------------------------------------------------------


@company_required
def members(request: HttpRequest) -> HttpResponse:
    company = request.company
    is_owner = selectors.company_is_owner(company=company, user=request.user)
    people = list(selectors.company_member_list(company=company))
    context = {
        "company": company,
        "members": people,
        # The last owner is offered no button to leave: the company would be left without one.
        "owner_count": sum(1 for person in people if person.is_active and person.role == CompanyMember.Role.OWNER),
        "invitations": selectors.company_invitation_open_list(company=company) if is_owner else [],
        "is_owner": is_owner,
    }
    return render(request, "companies/members.html", context)


@company_required
def invite(request: HttpRequest) -> HttpResponse:
    company = request.company
    if not selectors.company_is_owner(company=company, user=request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.company_invitation_send(
                company=company,
                acting_user=request.user,
                base_url=_portal_base_url(request),
                **form.cleaned_data,
            )
        except ApplicationError as error:
            _show_error(form, error)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s. The link is valid for 7 days.") % {"email": invitation.email},
            )
            return redirect("companies:members")
    return render(request, "companies/invite.html", {"company": company, "form": form})


@company_required
@require_POST
def member_deactivate(request: HttpRequest, member_id: int) -> HttpResponse:
    member = selectors.company_member_get(company=request.company, member_id=member_id)
    if member is None:
        raise Http404
    try:
        services.company_member_deactivate(member=member, acting_user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(user)s no longer acts for the company.") % {"user": member.user.email})
    return redirect("companies:members")


@company_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = selectors.company_invitation_get(company=request.company, invitation_id=invitation_id)
    if invitation is None:
        raise Http404
    try:
        services.company_invitation_revoke(invitation=invitation, acting_user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("companies:members")


@login_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = CompanyInvitation.objects.select_related("company", "invited_by").filter(token=token).first()
    refusal = services.invitation_refusal(invitation, request.user)
    if request.method == "POST" and refusal is None:
        try:
            member = services.company_invitation_accept(token=token, acting_user=request.user)
        except ApplicationError as error:
            refusal = error.message
        else:
            select_company(request, member.company_id)
            messages.success(request, _("You now act for %(company)s.") % {"company": member.company})
            return redirect("companies:dashboard")
    return render(
        request,
        "companies/invitation_accept.html",
        {"invitation": invitation, "refusal": refusal},
        status=404 if invitation is None else 200,
    )


# --- self-reports ----------------------------------------------------------------------


@company_required
def selfreport_list(request: HttpRequest) -> HttpResponse:
    periods = selectors.selfreport_periods(company=request.company)
    return render(request, "companies/selfreport_list.html", {"company": request.company, "periods": periods})


@company_required
def selfreport_edit(request: HttpRequest, zone_id: int, year: int, quarter: int) -> HttpResponse:
    company = request.company
    period = selectors.selfreport_period_get(company=company, zone_id=zone_id, year=year, quarter=quarter)
    if period is None:
        raise Http404
    report = period.report
    context = {"company": company, "period": period, "report": report, "figures": _report_figures(report)}
    if not period.is_editable:
        return render(request, "companies/selfreport_form.html", context)

    submitting = request.method == "POST" and "submit" in request.POST
    instance = report or SelfReport(company=company, zone=period.zone, year=year, quarter=quarter)
    form = SelfReportForm(request.POST or None, instance=instance, submitting=submitting)
    if request.method == "POST" and form.is_valid():
        try:
            services.selfreport_save(
                company=company,
                zone=period.zone,
                year=year,
                quarter=quarter,
                data=form.cleaned_data,
                submit=submitting,
                acting_user=request.user,
            )
        except (ApplicationError, ValidationError) as error:
            _show_error(form, error)
        else:
            if submitting:
                messages.success(
                    request,
                    _(
                        "Your report for %(period)s was submitted to the zone office. You can correct it "
                        "until the office accepts and locks it."
                    )
                    % {"period": period.display},
                )
            else:
                messages.success(
                    request,
                    _("Your draft for %(period)s was saved. Come back to it at any time.") % {"period": period.display},
                )
            return redirect("companies:selfreport_list")
    context["form"] = form
    return render(request, "companies/selfreport_form.html", context)
