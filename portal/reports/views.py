"""Exports: the generic download view, the job page with its progress, the owner's file."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from portal.exports import CONTENT_TYPES, FORMATS, iter_csv, params_json, write_xlsx

from .selectors import export_jobs_for, export_queryset, exporter_for
from .services import export_job_create


class ExportView(LoginRequiredMixin, View):
    """``/reports/export/<name>/?<filters>&format=xlsx|csv``.

    Up to ``EXPORT_STREAM_LIMIT`` rows the file is sent at once (CSV streamed, xlsx through a
    temporary file); above it a background job writes it and the user follows its progress.
    """

    def get(self, request, name):
        try:
            exporter = exporter_for(name)
        except KeyError:
            raise Http404(_("没有名为“%(name)s”的导出。") % {"name": name}) from None
        fmt = request.GET.get("format", "xlsx")
        if fmt not in FORMATS:
            return HttpResponseBadRequest(
                _("不支持的导出格式“%(fmt)s”，可选：xlsx、csv。") % {"fmt": fmt}
            )
        params = params_json(request.GET)
        queryset = export_queryset(exporter=exporter, user=request.user, params=params)
        if queryset.count() > settings.EXPORT_STREAM_LIMIT:
            job = export_job_create(actor=request.user, exporter_name=name, params=params, fmt=fmt)
            messages.info(request, _("数据较多，已转为后台生成，完成后可在此下载。"))
            return redirect(job)
        filename = exporter.filename(fmt)
        if fmt == "csv":
            response = StreamingHttpResponse(
                iter_csv(exporter, queryset), content_type=CONTENT_TYPES["csv"]
            )
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
        # openpyxl writes a zip, which needs a seekable file: a temporary one, deleted once
        # the response has sent and closed it.
        handle = tempfile.TemporaryFile(dir=settings.VAR_DIR)
        write_xlsx(exporter, queryset, handle)
        handle.seek(0)
        return FileResponse(
            handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES["xlsx"]
        )


class ExportJobListView(LoginRequiredMixin, ListView):
    template_name = "reports/export_job_list.html"
    context_object_name = "jobs"
    paginate_by = 25

    def get_queryset(self):
        return export_jobs_for(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(retention_days=settings.EXPORT_RETENTION_DAYS, **kwargs)


class ExportJobDetailView(LoginRequiredMixin, DetailView):
    """The job's progress; htmx polls the status fragment every 2 s until it is finished."""

    context_object_name = "job"

    def get_queryset(self):
        return export_jobs_for(self.request.user)

    def get_template_names(self):
        if self.request.htmx:
            return ["reports/export_job_status.html"]
        return ["reports/export_job_detail.html"]


class ExportJobDownloadView(LoginRequiredMixin, View):
    """The finished file, to the job's owner only (a 404 for anyone else)."""

    def get(self, request, pk):
        job = get_object_or_404(export_jobs_for(request.user), pk=pk)
        if job.state != job.State.DONE or not job.file:
            messages.warning(request, _("文件尚未生成。"))
            return redirect(job)
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("文件已过期删除，请重新导出。")) from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{job.title}-{job.created_at:%Y%m%d-%H%M}.{job.format}",
            content_type=CONTENT_TYPES[job.format],
        )
