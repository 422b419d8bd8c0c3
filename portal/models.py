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
