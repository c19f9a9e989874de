"""The company portal under /portal/: public calls, then a company's applications (company_required)."""

from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/apply/", views.application_start_view, name="application_start"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    # Without a step: the step the company left off at.
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/edit/<int:step>/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit_view, name="application_submit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw_view, name="application_withdraw"),
    path("applications/<int:pk>/reply/", views.application_reply_view, name="application_reply"),
    path("revisions/<int:pk>/", views.revision_detail, name="revision_detail"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
]
