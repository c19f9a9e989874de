"""Errors as the API returns them: a domain refusal or a model validation error is a 400 with field-level
messages (in the request's language), an unknown or foreign id a 404; bad input never a 500."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.views import exception_handler

from core.exceptions import ApplicationError


def api_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        exc = exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]})
    elif isinstance(exc, DjangoValidationError):
        detail = get_error_detail(exc)
        if isinstance(detail, dict):
            detail = {("non_field_errors" if key == "__all__" else key): value for key, value in detail.items()}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ProtectedError):
        exc = exceptions.ValidationError({"non_field_errors": [str(exc.args[0])]})
    return exception_handler(exc, context)
