"""/api/v1/: every app registers its endpoints here (its `api/routes.py`)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from companies.api import routes as companies_routes
from core.api.views import TokenView
from programs.api import routes as programs_routes
from zones.api import routes as zones_routes

router = DefaultRouter()
# No `.json` suffix routes: a client names the format by its Accept header (or `?format=`). Each suffix route
# doubles the patterns every request is matched against.
router.include_format_suffixes = False
zones_routes.register(router)
companies_routes.register(router)
programs_routes.register(router)


app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("", include(router.urls)),
]
