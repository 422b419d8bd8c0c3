"""What every emergency service shares: the row lock, the field check, scope before and after
a write, the history stamp, and the checks of townships, dates, files and quantities."""

from __future__ import annotations

import datetime
import os
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.fields.files import FieldFile
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.permissions import require, restrict
from portal.uploads import validate_upload
from responsibilities.models import OrgUnit

NOTIFY_CATEGORY = "emergency"
QUANTITY_LIMIT = Decimal("1e10")  # twelve digits, two of them after the point


def lock(model, obj):
    # Only the row itself: PostgreSQL refuses FOR UPDATE on the nullable side of outer joins.
    return model.objects.select_for_update(of=("self",)).get(pk=obj.pk)


def check_fields(fields: dict, allowed: frozenset) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError(
            _("这些字段不能在此修改：%(fields)s") % {"fields": "、".join(unknown)}
        )


def assign(obj, fields: dict) -> None:
    for name, value in fields.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


def start(model, actor, instance, fields: dict, allowed: frozenset, *, before=None):
    """The object to write (new, or the stored one locked) with ``fields`` applied, after the
    actor is allowed to change the stored one (and ``before(stored)`` has looked at it);
    returns (object, action)."""
    check_fields(fields, allowed)
    if instance is None or instance.pk is None:
        obj, action = instance or model(), "add"
    else:
        obj, action = lock(model, instance), "change"
        require(actor, "change", obj)
        if before is not None:
            before(obj)
    assign(obj, fields)
    return obj, action


def require_scope(actor, obj, action: str) -> None:
    """Before saving: a new object must lie in the actor's scope."""
    if action == "add":
        require(actor, "add", obj)


def require_kept(actor, obj, action: str) -> None:
    """After saving a change: the actor may still change it. A unit never hands a record to
    another unit; the transaction is undone when it tries."""
    if (
        action != "add"
        and not restrict(type(obj)._default_manager.filter(pk=obj.pk), actor, "change").exists()
    ):
        raise PermissionDenied(_("不能把“%(obj)s”改为其他单位的记录。") % {"obj": obj})


def stamp(obj, actor, reason: str = "") -> None:
    obj._history_user = actor
    if reason:
        obj._change_reason = reason[:100]


def check_township(obj, *names: str) -> dict:
    errors = {}
    for name in names:
        unit = getattr(obj, name) if getattr(obj, f"{name}_id") else None
        if unit is not None and unit.kind != OrgUnit.Kind.TOWNSHIP:
            errors[name] = _("“%(unit)s”不是镇街区。") % {"unit": unit.name}
    return errors


def not_future(obj, *names: str) -> dict:
    today = timezone.localdate()
    errors = {}
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, datetime.date) and value > today:
            errors[name] = _("日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}
    return errors


def raise_errors(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def store_file(obj, name: str, kinds: tuple[str, ...]) -> None:
    """Check a newly uploaded file by content and give it a random stored name: a person's file
    name never becomes a path on the server. A file already stored passes untouched."""
    file = getattr(obj, name)
    if not file or getattr(file, "_committed", False):
        return
    upload = file.file if isinstance(file, FieldFile) else file
    try:
        info = validate_upload(upload, kinds=kinds)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from exc
    upload.name = f"{uuid.uuid4().hex}{os.path.splitext(info.name)[1].lower()}"
    setattr(obj, name, upload)


def parse_quantity(value, field: str, *, positive: bool = False) -> Decimal:
    try:
        number = Decimal(str(value).strip()) if value not in (None, "") else Decimal("0")
    except InvalidOperation:
        raise ValidationError({field: _("“%(value)s”不是数字。") % {"value": value}}) from None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        message = _("数量须大于0。") if positive else _("数量不能为负数。")
        raise ValidationError({field: message})
    if number >= QUANTITY_LIMIT:
        raise ValidationError({field: _("数量过大。")})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: _("数量最多保留两位小数。")})
    return number.quantize(Decimal("0.01"))


def format_quantity(number: Decimal) -> str:
    return f"{number:f}".rstrip("0").rstrip(".") if "." in f"{number:f}" else f"{number:f}"


def link_to(obj) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # the page is built in parallel
        return ""
