"""Template filters for the sign-in pages."""

from datetime import timedelta

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def minutes(value: timedelta) -> int:
    """A lockout's cool-off as whole minutes (rounded up)."""
    return -(-int(value.total_seconds()) // 60)


@register.filter
def unlock_time(value: timedelta) -> str:
    """When a lockout that starts now ends, as local clock time (今天 20:35)."""
    until = timezone.localtime(timezone.now() + value)
    if until.date() == timezone.localdate():
        return until.strftime("%H:%M")
    return f"{until.month}月{until.day}日 {until:%H:%M}"
