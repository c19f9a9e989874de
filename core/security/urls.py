from django.urls import path

from core.security import views

app_name = "security"

urlpatterns = [
    path("two-factor/setup/", views.otp_setup_view, name="otp_setup"),
    path("two-factor/verify/", views.otp_verify_view, name="otp_verify"),
    path("confirm-password/", views.confirm_password_view, name="confirm_password"),
]
