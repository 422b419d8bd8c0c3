from django.conf import settings

from .navigation import nav_for
from .permissions import user_scope


def portal(request):
    scope = user_scope(getattr(request, "user", None))
    return {
        "scope": scope,
        "nav_items": nav_for(scope, request.path),
        "map_settings": {
            "tile_url": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "center": list(settings.MAP_CENTER),
            "zoom": settings.MAP_ZOOM,
        },
    }
