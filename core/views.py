from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zones.selectors import zone_list_public


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"zones": zone_list_public()})
