"""The project's URLs plus the bare comparison views of bench.api_lists under /bench/ (benchmark settings only)."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/companies/", views.companies),
    path("bench/applications/", views.applications),
    path("bench/mous/", views.mous),
    path("bench/enrolments/", views.enrolments),
    path("", include("config.urls")),
]
