"""Two-factor enrolment and verification for staff, the password confirmation page and the 429 page."""

from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from core.security.forms import PasswordConfirmForm, TokenForm
from core.security.otp import (
    otp_verify,
    qr_code_svg,
    totp_device_confirm,
    totp_device_for_enrolment,
    user_has_confirmed_device,
)
from core.security.ratelimit import client_key, hit
from core.security.reauth import mark_authenticated


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def _to_admin_login(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('admin:login')}?{urlencode({'next': request.get_full_path()})}")


def _context(request: HttpRequest, title: str, *, full_admin: bool = False, **extra) -> dict:
    if full_admin:
        base = admin.site.each_context(request)
    else:  # not verified yet: the admin's frame without its menus
        base = {"site_header": admin.site.site_header, "site_title": admin.site.site_title, "has_permission": False}
    return {**base, "title": title, "next": _next_url(request), **extra}


@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: the key as a QR code, an otpauth:// URI and base32 text, then a first code."""
    if not request.user.is_authenticated:
        return _to_admin_login(request)
    if not (request.user.is_staff or request.user.is_superuser):
        return HttpResponseRedirect(reverse("home"))
    if user_has_confirmed_device(request.user):  # a second device is never added without the first
        return HttpResponseRedirect(f"{reverse('security:otp_verify')}?{urlencode({'next': _next_url(request)})}")
    device = totp_device_for_enrolment(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(request=request, device=device, token=form.cleaned_data["token"]):
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("That code is not valid. Check the time on your phone and try the next code."))
    uri = device.config_url
    secret = uri.split("secret=", 1)[1].split("&", 1)[0]
    context = _context(
        request,
        _("Set up two-factor authentication"),
        form=form,
        qr_svg=qr_code_svg(uri),
        otpauth_uri=uri,
        secret=secret,
    )
    return render(request, "security/otp_setup.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    """The second step of a staff login: a code from the enrolled authenticator app."""
    if not request.user.is_authenticated:
        return _to_admin_login(request)
    if not user_has_confirmed_device(request.user):
        return HttpResponseRedirect(f"{reverse('security:otp_setup')}?{urlencode({'next': _next_url(request)})}")
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if not hit("otp_verify", client_key(request)):
            return too_many_requests(request)
        if form.is_valid():
            if otp_verify(request=request, token=form.cleaned_data["token"]):
                return HttpResponseRedirect(_next_url(request))
            form.add_error("token", _("That code is not valid. Try the next code from your app."))
    return render(request, "security/otp_verify.html", _context(request, _("Two-factor authentication"), form=form))


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def confirm_password_view(request: HttpRequest) -> HttpResponse:
    """Ask for the password again before a sensitive step (exports of personal data, role changes)."""
    if not request.user.is_authenticated:
        return _to_admin_login(request)
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST":
        if not hit("password_confirm", client_key(request)):
            return too_many_requests(request)
        if form.is_valid():
            if request.user.check_password(form.cleaned_data["password"]):
                mark_authenticated(request)
                return HttpResponseRedirect(_next_url(request))
            form.add_error("password", _("The password is not correct."))
    context = _context(request, _("Confirm your password"), full_admin=request.user.is_staff, form=form)
    return render(request, "security/confirm_password.html", context)


def too_many_requests(request: HttpRequest, exception=None) -> HttpResponse:
    """429 for our limits and allauth's (`handler429`): what happened and what to do."""
    message = _("Too many requests. Please wait a few minutes and try again.")
    return render(request, "security/429.html", {"message": message}, status=429)
