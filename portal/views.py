"""Shared page views: base list/detail/form views every register inherits, the workbench,
and the health check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from .permissions import can, restrict, user_scope


class ScopedMixin(LoginRequiredMixin):
    """Every page of a register reads through ``restrict``; ``action`` says for what."""

    model = None
    action = "view"

    def base_queryset(self):
        """The selector's queryset before scoping; override to add select_related."""
        return self.model._default_manager.all()

    def get_queryset(self):
        return restrict(self.base_queryset(), self.request.user, self.action)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        meta = self.model._meta
        ctx.update(
            model_meta=meta,
            verbose_name=meta.verbose_name,
            verbose_name_plural=meta.verbose_name_plural,
            scope=user_scope(self.request.user),
        )
        return ctx


class PortalListView(ScopedMixin, FilterView):
    """A filtered, paginated list. With htmx it renders only the table fragment.

    ``columns`` lists (attribute path, label) pairs for the shared table template;
    ``create_url_name`` adds 新增 when the user may use it, and ``export_name`` (a registered
    ``portal.exports.Exporter``) adds 导出Excel for the list's current filters. The export link
    is re-rendered out of band with every htmx filter change, so it always follows them.
    """

    template_name = "portal/list.html"
    rows_template_name = "portal/list_rows.html"
    paginate_by = 25
    columns: list[tuple[str, str]] = []
    create_url_name = None
    export_name = None
    import_url_name = None
    strict = False  # an invalid filter shows everything in scope, with the errors

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.rows_template_name]
        return [self.template_name]

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("page_size", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return max(10, min(size, 200))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        scope = ctx["scope"]
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            columns=self.columns,
            can_create=bool(self.create_url_name)
            and not scope.read_only
            and self.user_may_create(),
            create_url_name=self.create_url_name,
            export_href=self.export_href(query.urlencode()),
            import_url_name=self.import_url_name
            if scope.writes_all or self.user_may_create()
            else None,
            querystring=query.urlencode(),
        )
        return ctx

    def export_href(self, querystring: str) -> str | None:
        if not self.export_name:
            return None
        url = reverse("reports:export", args=[self.export_name])
        return f"{url}?{querystring}" if querystring else url

    def user_may_create(self) -> bool:
        """Whether to show 新增; the service still decides for the object itself."""
        scope = user_scope(self.request.user)
        return scope.writes_all or scope.is_unit_member


class PortalDetailView(ScopedMixin, DetailView):
    """One record, with its change history; edit button only where ``can`` allows."""

    template_name = "portal/detail.html"
    fields: list[tuple[str, str]] = []
    edit_url_name = None
    history_limit = 20

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        ctx.update(
            fields=self.fields,
            can_change=bool(self.edit_url_name) and can(self.request.user, "change", obj),
            edit_url_name=self.edit_url_name,
            history=obj.history.select_related("history_user").order_by("-history_date")[
                : self.history_limit
            ]
            if hasattr(obj, "history")
            else [],
        )
        return ctx


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form whose valid data goes to one service call; its ValidationError returns to the form.

    Subclasses implement ``perform(form)`` (the service call) and return the saved object.
    """

    template_name = "portal/form.html"
    model = None
    success_message = _("已保存。")

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    target = field if field in form.fields else None
                    for error in errors:
                        form.add_error(target, error)
            else:
                for message in exc.messages:
                    form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["model_meta"] = self.model._meta if self.model else None
        ctx["object"] = getattr(self, "object", None)
        return ctx


class PortalCreateView(ServiceFormView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and user_scope(request.user).read_only:
            raise PermissionDenied(_("只读账号不能新增。"))
        return super().dispatch(request, *args, **kwargs)


class PortalUpdateView(ServiceFormView):
    """Loads the object through ``restrict(..., 'change')``: out of scope is a 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        from django.shortcuts import get_object_or_404

        self.object = get_object_or_404(
            restrict(self.model._default_manager.all(), request.user, "change"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs


class WorkbenchView(LoginRequiredMixin, TemplateView):
    """工作台 — the page a person lands on: who they are, their unit and role, their to-dos."""

    template_name = "portal/workbench.html"

    def get_context_data(self, **kwargs):
        from .workbench import workbench_panels

        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["memberships"] = user.memberships.select_related("unit").order_by("unit__sort_order")
        ctx["panels"] = workbench_panels(self.request)
        return ctx


def healthz(request):
    """Database and broker state as JSON; 503 when either is down."""
    state = {"database": _check_database(), "broker": _check_broker()}
    ok = all(part["ok"] for part in state.values())
    return JsonResponse({"status": "ok" if ok else "error", **state}, status=200 if ok else 503)


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # report, never raise: this is the health check
        return {"ok": False, "vendor": connection.vendor, "error": str(exc)[:200]}


def _check_broker():
    from .celery import app

    url = app.conf.broker_url or ""
    transport = url.split(":", 1)[0]
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": transport}
    except Exception as exc:
        return {"ok": False, "transport": transport, "error": str(exc)[:200]}
