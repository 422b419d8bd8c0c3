"""Pages of the enterprise roster (生产经营单位): list, detail, forms, Excel import, sharing.

Each view parses input, calls one selector or service, and renders the answer.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from portal.permissions import can, restrict, user_scope
from portal.views import PortalCreateView, PortalDetailView, PortalListView, PortalUpdateView

from .. import selectors
from ..filters.enterprises import EnterpriseFilterSet
from ..forms.enterprises import EnterpriseForm, EnterpriseImportForm, EnterpriseShareForm
from ..models import Enterprise, OrgUnit
from ..resources import enterprise_import_template
from ..services import enterprises as services


def enterprise_queryset():
    """The roster with everything a row shows (the base views apply ``restrict``)."""
    return Enterprise.objects.select_related(*services.ENTERPRISE_RELATED)


def may_create_enterprises(user) -> bool:
    """Whether to offer 新增/导入: the office, or staff of a township (their own township)."""
    scope = user_scope(user)
    return scope.writes_all or bool(scope.township_ids)


class EnterpriseListView(PortalListView):
    model = Enterprise
    filterset_class = EnterpriseFilterSet
    template_name = "responsibilities/enterprises/list.html"
    # With htmx the rows come with the toolbar swapped out of band, so the export link
    # keeps following the filters.
    rows_template_name = "responsibilities/enterprises/list_rows.html"
    columns = [
        ("name", gettext_lazy("单位名称")),
        ("credit_code", gettext_lazy("统一社会信用代码")),
        ("industry.name", gettext_lazy("行业")),
        ("township.name", gettext_lazy("所属镇街区")),
        ("industry_supervisor.name", gettext_lazy("行业主管部门")),
        ("professional_supervisor.name", gettext_lazy("专业监管部门")),
        ("is_high_risk", gettext_lazy("高危行业")),
        ("is_crowded_place", gettext_lazy("人员密集场所")),
        ("is_active", gettext_lazy("在营")),
    ]
    create_url_name = "responsibilities:enterprise-create"
    import_url_name = "responsibilities:enterprise-import"
    export_name = "enterprises"  # responsibilities/exports.py

    def base_queryset(self):
        return enterprise_queryset()

    def user_may_create(self):
        return may_create_enterprises(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows_template"] = self.rows_template_name
        form = ctx["filter"].form
        ctx["role_filters"] = [
            {"label": form.fields[name].label, "value": form.cleaned_data.get(name), "name": name}
            for name in ("territorial_supervisor", "industry_supervisor", "professional_supervisor")
            if form.is_valid() and form.cleaned_data.get(name)
        ]
        return ctx


class EnterpriseDetailView(PortalDetailView):
    model = Enterprise
    template_name = "responsibilities/enterprises/detail.html"
    edit_url_name = "responsibilities:enterprise-edit"
    fields = [
        ("credit_code", gettext_lazy("统一社会信用代码")),
        ("industry", gettext_lazy("行业")),
        ("township", gettext_lazy("所属镇街区")),
        ("address", gettext_lazy("地址")),
        ("legal_representative", gettext_lazy("法定代表人")),
        ("safety_contact", gettext_lazy("安全负责人")),
        ("phone", gettext_lazy("联系电话")),
        ("scale", gettext_lazy("企业规模")),
        ("employees", gettext_lazy("从业人员数")),
        ("is_high_risk", gettext_lazy("高危行业")),
        ("is_crowded_place", gettext_lazy("人员密集场所")),
        ("is_active", gettext_lazy("在营")),
    ]

    def base_queryset(self):
        return enterprise_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        enterprise, user = self.object, self.request.user
        is_office = user_scope(user).writes_all
        ctx.update(
            supervisors=[
                (_("属地监管单位"), enterprise.territorial_supervisor),
                (_("行业主管部门"), enterprise.industry_supervisor),
                (_("专业监管部门"), enterprise.professional_supervisor),
            ],
            officers=selectors.grid_officers(user=user, grid=enterprise.grid)
            if enterprise.grid_id
            else [],
            shares=services.enterprise_shares(enterprise=enterprise) if is_office else None,
            can_share=is_office,
        )
        return ctx


class EnterpriseCreateView(PortalCreateView):
    model = Enterprise
    form_class = EnterpriseForm
    success_message = gettext_lazy("生产经营单位已保存。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_create_enterprises(request.user):
            raise PermissionDenied(_("只有安委办和镇街区可以新增生产经营单位。"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.enterprise_create(actor=self.request.user, **form.service_data())


class EnterpriseUpdateView(PortalUpdateView):
    model = Enterprise
    form_class = EnterpriseForm
    success_message = gettext_lazy("生产经营单位已保存。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        enterprise = Enterprise.objects.get(pk=self.object.pk)  # unmodified by the form
        return services.enterprise_update(
            actor=self.request.user, enterprise=enterprise, **form.service_data()
        )


# --- import: upload → preview → confirm ------------------------------------------------------

IMPORT_SESSION_KEY = "enterprise_import"


class EnterpriseImportView(LoginRequiredMixin, View):
    """Upload a sheet, see every row (new / update / error), then confirm to save all."""

    template_name = "responsibilities/enterprises/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and (
            user_scope(request.user).read_only or not may_create_enterprises(request.user)
        ):
            raise PermissionDenied(_("只有安委办和镇街区可以导入生产经营单位。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.page(EnterpriseImportForm())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = EnterpriseImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form)
        upload = form.cleaned_data["file"]
        try:
            result = services.enterprises_import(actor=request.user, file=upload, dry_run=True)
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
            return self.page(form)
        token = None
        self.discard_preview()
        if not result.has_errors:
            upload.seek(0)
            token = uuid.uuid4().hex
            default_storage.save(self.stored_name(token), ContentFile(upload.read()))
            request.session[IMPORT_SESSION_KEY] = token
        return self.page(EnterpriseImportForm(), result=result, token=token, filename=upload.name)

    def confirm(self, request):
        token = request.POST.get("token", "")
        if not token or request.session.get(IMPORT_SESSION_KEY) != token:
            messages.error(request, _("导入预览已失效，请重新上传文件。"))
            return redirect("responsibilities:enterprise-import")
        name = self.stored_name(token)
        if not default_storage.exists(name):
            messages.error(request, _("导入预览已失效，请重新上传文件。"))
            return redirect("responsibilities:enterprise-import")
        with default_storage.open(name, "rb") as stored:
            stored.name = "import.xlsx"
            result = services.enterprises_import(actor=request.user, file=stored, dry_run=False)
        if not result.saved:
            # The roster changed since the preview: show what is wrong now; nothing was saved.
            return self.page(EnterpriseImportForm(), result=result, token=None)
        default_storage.delete(name)
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(
            request,
            _("导入完成：新增%(new)d家，更新%(update)d家。")
            % {"new": result.new_count, "update": result.update_count},
        )
        return redirect("responsibilities:enterprise-list")

    def discard_preview(self):
        """Drop the file of an earlier, unconfirmed preview of this session."""
        old = self.request.session.pop(IMPORT_SESSION_KEY, None)
        if old:
            default_storage.delete(self.stored_name(old))

    def stored_name(self, token: str) -> str:
        return f"imports/enterprises/{self.request.user.pk}-{token}.xlsx"

    def page(self, form, **ctx):
        return render(
            self.request,
            self.template_name,
            {"form": form, "model_meta": Enterprise._meta, **ctx},
        )


class EnterpriseImportTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        response = HttpResponse(
            enterprise_import_template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            'attachment; filename="enterprise-import-template.xlsx"; '
            "filename*=UTF-8''%E7%94%9F%E4%BA%A7%E7%BB%8F%E8%90%A5%E5%8D%95%E4%BD%8D%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
        )
        return response


# --- sharing one enterprise with a unit or a delegate ----------------------------------------


class EnterpriseShareView(LoginRequiredMixin, View):
    """The office shares one enterprise with another unit or a person, or withdraws it."""

    template_name = "responsibilities/enterprises/share.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.enterprise = get_object_or_404(
            restrict(enterprise_queryset(), request.user, "change"), pk=kwargs["pk"]
        )
        if not user_scope(request.user).writes_all:
            raise PermissionDenied(_("只有安委办可以共享生产经营单位。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return self.page(EnterpriseShareForm(user=request.user))

    def post(self, request, pk):
        if request.POST.get("op") == "unshare":
            return self.unshare(request)
        form = EnterpriseShareForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.page(form)
        data = form.cleaned_data
        try:
            services.enterprise_share(
                actor=request.user,
                enterprise=self.enterprise,
                unit=data["unit"],
                user=data["user"],
                actions=data["actions"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.page(form)
        messages.success(request, _("已共享。"))
        return redirect("responsibilities:enterprise-share", pk=self.enterprise.pk)

    def unshare(self, request):
        unit = user = None
        if request.POST.get("unit"):
            unit = get_object_or_404(OrgUnit, pk=request.POST["unit"])
        elif request.POST.get("user"):
            from django.contrib.auth import get_user_model

            user = get_object_or_404(get_user_model(), pk=request.POST["user"])
        try:
            services.enterprise_unshare(
                actor=request.user, enterprise=self.enterprise, unit=unit, user=user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已取消共享。"))
        return redirect("responsibilities:enterprise-share", pk=self.enterprise.pk)

    def page(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "object": self.enterprise,
                "shares": services.enterprise_shares(enterprise=self.enterprise),
                "can_change": can(self.request.user, "change", self.enterprise),
            },
        )
