from django import template
from django.db.models import Model
from django.utils.formats import localize

register = template.Library()


@register.filter
def cell(obj, path):
    """Resolve a dotted attribute path for display: choices show their label, None shows —."""
    value = obj
    for part in path.split("."):
        if value is None:
            break
        display = getattr(value, f"get_{part}_display", None)
        value = display() if callable(display) else getattr(value, part, None)
        if callable(value) and not isinstance(value, Model):
            value = value()
    if value is None or value == "":
        return "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "—"
    return localize(value)


@register.filter
def field_label(model_meta, name):
    return model_meta.get_field(name).verbose_name
