"""The API's shared parts: the router, the base viewset that applies ``restrict``, errors."""

from rest_framework import routers, viewsets

from .api_access import METHOD_ACTIONS, RestrictedPermission, exception_handler
from .permissions import restrict

__all__ = [
    "METHOD_ACTIONS",
    "PortalViewSet",
    "ReadOnlyPortalViewSet",
    "RestrictedPermission",
    "exception_handler",
    "router",
]

router = routers.DefaultRouter()


class PortalViewSet(viewsets.ModelViewSet):
    """Base viewset: the queryset is always ``restrict``-ed for the request's action.

    Writes go through the app's services: subclasses implement ``perform_create``,
    ``perform_update`` and ``perform_destroy`` by calling them with ``actor=request.user``.
    """

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        action = METHOD_ACTIONS.get(self.request.method, "view")
        if action == "add":
            action = "view"
        return restrict(super().get_queryset(), self.request.user, action)


class ReadOnlyPortalViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user, "view")
