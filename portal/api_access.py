"""API access rules, importable from settings (no rest_framework.views import at load)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, permissions

from .permissions import can, user_scope

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class RestrictedPermission(permissions.BasePermission):
    """Signed-in users only; read-only roles may not write; objects go through ``can``."""

    def has_permission(self, request, view):
        scope = user_scope(request.user)
        if not scope.is_authenticated:
            return False
        return not (scope.read_only and request.method not in permissions.SAFE_METHODS)

    def has_object_permission(self, request, view, obj):
        return can(request.user, METHOD_ACTIONS.get(request.method, "change"), obj)


def exception_handler(exc, context):
    """Django's own errors from services become 400/403 answers that name the field."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
