from .maps import map_settings
from .navigation import nav_for
from .permissions import user_scope


def portal(request):
    scope = user_scope(getattr(request, "user", None))
    return {
        "scope": scope,
        "nav_items": nav_for(scope, request.path),
        "map_settings": map_settings(),
    }
