from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def notifications(request):
    """The bell: unread count, computed lazily (one query, only when a page shows the bell)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notifications_enabled": True, "unread_notifications": 0}
    return {
        "notifications_enabled": True,
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
    }
