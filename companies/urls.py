"""The company portal, under /portal/. The names are used by the programs portal too: keep them stable."""

from django.urls import path

from companies import views

app_name = "companies"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("start/", views.company_start, name="company_start"),
    path("company/", views.company_edit, name="company_edit"),
    path("company/new/", views.company_create, name="company_create"),
    path("company/claim/", views.company_claim, name="company_claim"),
    path("company/switch/", views.company_switch, name="company_switch"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.invite, name="invite"),
    path("members/<int:member_id>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("reports/", views.selfreport_list, name="selfreport_list"),
    path("reports/<int:zone_id>/<int:year>/<int:quarter>/", views.selfreport_edit, name="selfreport_edit"),
]
