"""Session lifetimes: when a login started, when it was last used, and ending every session of a user."""

import time

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone

AUTH_AT = "_security_auth_at"  # when the password was last typed (login or confirmation), epoch seconds
LOGIN_AT = "_security_login_at"  # when this login started
SEEN_AT = "_security_seen_at"  # last request, to the minute
STAFF = "_security_staff"  # staff sessions get the shorter idle limit
SEEN_RESOLUTION = 60  # seconds; the session is written at most once a minute for activity


def now() -> int:
    return int(time.time())


def session_start(request: HttpRequest, user) -> None:
    """Stamp a new login (the user_logged_in signal); Django has already given it a new session key."""
    stamp = now()
    request.session[LOGIN_AT] = stamp
    request.session[AUTH_AT] = stamp
    request.session[SEEN_AT] = stamp
    request.session[STAFF] = bool(user.is_staff or user.is_superuser)


def session_expired(request: HttpRequest, *, idle_staff: int, idle: int, absolute: int) -> bool:
    """Whether the signed-in session has run past its idle or absolute limit; records activity otherwise."""
    session = request.session
    if SESSION_KEY not in session:
        return False
    stamp = now()
    if LOGIN_AT not in session:  # a session from before these stamps: start counting now
        user = request.user
        session_start(request, user)
        return False
    idle_limit = idle_staff if session.get(STAFF) else idle
    if stamp - session[LOGIN_AT] > absolute or stamp - session.get(SEEN_AT, 0) > idle_limit:
        return True
    if stamp - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION:
        session[SEEN_AT] = stamp
    return False


def user_sessions_end(*, user) -> int:
    """Delete every stored session of `user` (database sessions); returns how many were ended."""
    user_id = str(user.pk)
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == user_id:
            ended.append(session.session_key)
    if ended:
        Session.objects.filter(session_key__in=ended).delete()
    return len(ended)
