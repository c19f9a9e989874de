"""Accounts: two-factor authentication, login lockout, session lifetimes and rate limits; included by base.py.

`ACCOUNT_SECURITY_APPS` are added to INSTALLED_APPS, `ACCOUNT_SECURITY_MIDDLEWARE` right after Django's
AuthenticationMiddleware, `ACCOUNT_SECURITY_LAST_MIDDLEWARE` at the very end (django-axes wants to be last),
and `ACCOUNT_SECURITY_BACKENDS` before the authentication backends."""

import os
from datetime import timedelta


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


ACCOUNT_SECURITY_APPS: list[str] = [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "core.security",
]
ACCOUNT_SECURITY_MIDDLEWARE: list[str] = [
    "django_otp.middleware.OTPMiddleware",
    "core.security.middleware.SessionTimeoutMiddleware",
    "core.security.middleware.StaffTwoFactorMiddleware",
]
ACCOUNT_SECURITY_LAST_MIDDLEWARE: list[str] = ["axes.middleware.AxesMiddleware"]
# Counts and refuses web logins first (admin, portal, API token); calls without a request pass through.
ACCOUNT_SECURITY_BACKENDS: list[str] = ["core.security.lockout.LockoutBackend"]

# Two-factor authentication (django-otp, TOTP): every staff user and superuser needs a verified device in the
# admin; a user without one is led to enrol it. Company users are not asked.
OTP_ADMIN_REQUIRED = os.environ.get("DJANGO_OTP_ADMIN_REQUIRED", "1").strip().lower() in {"1", "true", "yes", "on"}
OTP_TOTP_ISSUER = "AI 특구 / AI Special Zones"
OTP_TOTP_THROTTLE_FACTOR = 1  # after a wrong token, wait 1, 2, 4, ... seconds before the next is checked

# Sessions: an idle limit (shorter for staff) and an absolute limit from login, in seconds.
SESSION_IDLE_TIMEOUT_STAFF = _env_int("SESSION_IDLE_TIMEOUT_STAFF", 30 * 60)
SESSION_IDLE_TIMEOUT = _env_int("SESSION_IDLE_TIMEOUT", 2 * 60 * 60)
SESSION_ABSOLUTE_TIMEOUT = _env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
# The password asked again before exporting personal data or changing roles, unless typed this recently.
REAUTH_MAX_AGE = _env_int("REAUTH_MAX_AGE", 10 * 60)

# Reverse proxies in front of the web servers that are ours: the client's address is then read from
# X-Forwarded-For that many entries from the right (core.security.clientip), for the lockout, the rate limits,
# the API throttles and the audit log alike. 0 (the default): the header is ignored, the peer address is used.
TRUSTED_PROXY_COUNT = _env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
AXES_CLIENT_IP_CALLABLE = "core.security.clientip.client_ip"

# Login lockout (django-axes): 5 failures for one username from one address lock that pair for 15 minutes.
# Keyed by username and address together, so nobody elsewhere can lock a user out; the cool-off runs from
# the lock and is not extended by further attempts.
AXES_FAILURE_LIMIT = _env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "core.security.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "core.security.lockout.lockout_response"
AXES_VERBOSE = False

# Rate limits (allauth's own, in its cache): sign-up, login and password reset. Failed logins per account are
# left to the lockout above (per account and address), so nobody can lock an account from elsewhere.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip",
    "signup": "10/m/ip,50/h/ip",
    "reset_password": "10/m/ip,3/m/key,10/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
    "reauthenticate": "10/m/user",
}
# Our own limits (core.security.ratelimit): "<count>/<s|m|h|d>", per user (or address when signed out).
SECURITY_RATE_LIMITS = {
    "application_submit": os.environ.get("RATE_LIMIT_APPLICATION_SUBMIT", "10/h"),
    "password_confirm": os.environ.get("RATE_LIMIT_PASSWORD_CONFIRM", "10/5m"),
    "otp_verify": os.environ.get("RATE_LIMIT_OTP_VERIFY", "10/5m"),
}
