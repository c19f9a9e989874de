from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from programs.selectors import open_calls
from zones.selectors import zone_list_public

HOME_OPEN_CALLS = 8


def home(request: HttpRequest) -> HttpResponse:
    """The portal's front page: the zones with their headline figures, and the calls open now."""
    now = timezone.now()
    today = timezone.localdate(now)
    calls = list(open_calls(at=now)[:HOME_OPEN_CALLS])
    for call in calls:
        call.days_left = (timezone.localdate(call.closes_at) - today).days
    return render(request, "home.html", {"zones": zone_list_public(), "open_calls": calls})
