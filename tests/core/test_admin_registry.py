from django.apps import apps
from django.contrib import admin

DOMAIN_APPS = ("zones", "companies", "programs")


def test_every_domain_model_has_an_admin_with_history_and_no_delete(rf):
    request = rf.get("/admin/")
    missing = []
    for app_label in DOMAIN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            model_admin = admin.site._registry.get(model)
            if model_admin is None:
                missing.append(model._meta.label)
                continue
            assert hasattr(model_admin, "history_view"), model._meta.label
            assert model_admin.has_delete_permission(request) is False, model._meta.label
    assert missing == []
