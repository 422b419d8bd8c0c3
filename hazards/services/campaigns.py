"""排查行动 — inspection drives, organised by the office."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.permissions import require
from responsibilities.models import OrgUnit

from ..models import Campaign

CAMPAIGN_FIELDS = frozenset(
    {
        "name",
        "description",
        "scope",
        "industry",
        "townships",
        "lead_unit",
        "starts_on",
        "ends_on",
        "recurrence_months",
        "milestone",
    }
)

# --- campaigns ----------------------------------------------------------------------------------


@transaction.atomic
def campaign_save(*, actor, instance: Campaign | None = None, **fields) -> Campaign:
    """Create or change an inspection drive (排查行动); the office organises them."""
    unknown = sorted(set(fields) - CAMPAIGN_FIELDS)
    if unknown:
        raise ValidationError(
            _("这些字段不能在此修改：%(fields)s") % {"fields": "、".join(unknown)}
        )
    if instance is None or instance.pk is None:
        campaign = instance or Campaign()
        action = "add"
    else:
        campaign = Campaign.objects.select_for_update().get(pk=instance.pk)
        action = "change"
    townships = fields.pop("townships", None)
    if "recurrence_months" in fields:
        fields["recurrence_months"] = _months(fields["recurrence_months"])
    for name, value in fields.items():
        setattr(campaign, name, value.strip() if isinstance(value, str) else value)
    require(actor, action, campaign)
    if townships is not None:
        townships = list(townships)
        wrong = [unit.name for unit in townships if unit.kind != OrgUnit.Kind.TOWNSHIP]
        if wrong:
            raise ValidationError(
                {"townships": _("不是镇街区：%(units)s") % {"units": "、".join(wrong)}}
            )
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    campaign.full_clean()
    campaign.save()
    if townships is not None:
        campaign.townships.set(townships)
    return campaign


def _months(value) -> list[int]:
    try:
        months = sorted({int(m) for m in (value or [])})
    except (TypeError, ValueError):
        raise ValidationError({"recurrence_months": _("重复月份须为1至12的数字。")}) from None
    if any(not 1 <= m <= 12 for m in months):
        raise ValidationError({"recurrence_months": _("重复月份须为1至12的数字。")})
    return months
