from django.apps import apps
from django.contrib import admin

DOMAIN_APPS = ("zones", "companies", "programs")


def _inline_models() -> set:
    """Models the admin shows as inlines of a registered record (application documents, revisions, ...)."""
    return {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}


def test_every_domain_model_is_in_the_admin_with_history_and_no_delete(rf):
    request = rf.get("/admin/")
    inline_models = _inline_models()
    missing = []
    for app_label in DOMAIN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            model_admin = admin.site._registry.get(model)
            if model_admin is None:
                if model not in inline_models:
                    missing.append(model._meta.label)
                continue
            assert hasattr(model_admin, "history_view"), model._meta.label
            assert model_admin.has_delete_permission(request) is False, model._meta.label
    assert missing == []
