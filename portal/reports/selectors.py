"""Reads for exports: a person's own export jobs, and the rows an export would hold."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import QueryDict

from portal.exports import Exporter, get_exporter, params_querydict

from .models import ExportJob


def export_jobs_for(user) -> QuerySet[ExportJob]:
    """The user's own export jobs. Not ``restrict``: the office and auditors see every row
    there, but an export's file (built in its requester's scope) is its requester's alone."""
    if user is None or not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(user_id=user.pk)


def export_queryset(*, exporter: Exporter, user, params: QueryDict | dict) -> QuerySet:
    """The rows ``user`` may export: the exporter's restricted, filtered queryset."""
    return exporter.get_queryset(user, params_querydict(params))


def exporter_for(name: str) -> Exporter:
    """An instance of the registered exporter; KeyError when the name is unknown."""
    return get_exporter(name)()
