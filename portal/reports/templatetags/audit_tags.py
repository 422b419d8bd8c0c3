"""``{% record_history_url object %}``: the full change history page of a record."""

from django import template
from django.urls import reverse

from portal.models import PortalModel

register = template.Library()


@register.simple_tag
def record_history_url(obj) -> str:
    """/reports/history/<app_label>.<model>/<pk>/ for a saved PortalModel, else ''. The page
    itself checks that the reader may view the record."""
    if not isinstance(obj, PortalModel) or obj.pk is None:
        return ""
    return reverse("reports:record-history", args=[obj._meta.label_lower, obj.pk])
