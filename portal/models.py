"""PortalModel: the base every register inherits (timestamps, history, scope hooks)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PortalModel(models.Model):
    """Timestamps and a full change history for every register.

    Subclasses say who may act on their rows by overriding ``scope_q`` (rows a unit member may
    see or change, as a Q over the model) and ``scope_allows_add``; ``portal.permissions``
    combines that with the global roles and django-guardian object grants. Nothing else
    decides access.
    """

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(inherit=True)

    # True where anonymous visitors may read a curated subset (public shelters, say).
    public_read = False

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, scope, action: str) -> Q | None:
        """Rows a member of ``scope.unit_ids`` may act on; None means no rows."""
        return None

    def scope_allows_add(self, scope) -> bool:
        """May a unit member create this (unsaved) object? Global roles are decided before."""
        return False


class WorkdayOverride(PortalModel):
    """节假日调整 — one day of the State Council's yearly holiday schedule, entered by hand.

    The ``holidays`` package carries China's official schedule only up to the last year it
    knows; for a later year the office enters 国务院办公厅关于某年部分节假日安排的通知 here,
    day by day: each 放假 weekday and each 调休上班 weekend day. A row also corrects the package.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=50, blank=True, help_text=_("如：春节"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        label = f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
        return f"{label}（{self.name}）" if self.name else label


class YearCounter(models.Model):
    """The last number handed out in a year for one kind of record (隐患编号 and the like):
    numbers are never reused, and the row is locked while they are taken, so two writers
    never get the same one."""

    name = models.CharField(_("编号类别"), max_length=50)
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("年度编号")
        verbose_name_plural = _("年度编号")
        ordering = ["name", "year"]
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="year_counter_unique_name_year")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.last}"

    @classmethod
    def take(cls, name: str, year: int, count: int = 1) -> int:
        """Reserve ``count`` numbers and return the first; call inside a transaction."""
        cls.objects.get_or_create(name=name, year=year)
        counter = cls.objects.select_for_update().get(name=name, year=year)
        first = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
        return first
