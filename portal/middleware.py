from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_WHILE_CHANGING = ("password_change", "logout", "set_language")


class PasswordChangeRequiredMiddleware:
    """Until a person has set their own password, every page leads to the change form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(("/static/", "/api/", "/healthz", "/i18n/"))
            and _must_change(user)
        ):
            allowed = {reverse(name) for name in ALLOWED_WHILE_CHANGING if name != "set_language"}
            allowed.add(reverse("password_change_done"))
            if request.path not in allowed:
                return redirect(f"{reverse('password_change')}?first=1")
        return self.get_response(request)


def _must_change(user) -> bool:
    profile = getattr(user, "profile", None)
    try:
        return bool(profile and profile.must_change_password)
    except Exception:  # no profile row: nothing forces a change
        return False
