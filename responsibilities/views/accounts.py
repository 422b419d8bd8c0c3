"""Signing in, passwords, and the office's account pages (账号管理).

The pages translate input and call one service from ``services.accounts``; who may do what
is decided there. The mixin below only turns away, early and with a 403, people who may not
manage accounts at all (an auditor reads everything else, but not this).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from portal.permissions import user_scope
from portal.views import PortalListView, ServiceFormView

from ..choices import AccountRole
from ..filters.accounts import AccountFilterSet
from ..forms.accounts import (
    AccountCreateForm,
    AccountHandoverForm,
    AccountImportForm,
    AccountMembershipForm,
    AccountPasswordChangeForm,
    AccountPasswordResetForm,
    AccountSetPasswordForm,
    AccountUpdateForm,
    LoginForm,
)
from ..models import Membership
from ..services import account_import as importing
from ..services import accounts as services

User = get_user_model()

NEW_PASSWORD_SESSION_KEY = "accounts.new_password"
IMPORT_SESSION_KEY = "accounts.import_rows"


# --- signing in and passwords ---------------------------------------------------------------


class AccountLoginView(auth_views.LoginView):
    """Django's login: its form passes ``request`` to authenticate, which django-axes needs."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(lockout_policy())
        return ctx


def lockout_policy() -> dict:
    """The numbers the sign-in page states: idle timeout and the lockout rule."""
    return {
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


class AccountPasswordChangeView(auth_views.PasswordChangeView):
    form_class = AccountPasswordChangeForm
    title = gettext_lazy("修改密码")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["first_login"] = _must_change_password(self.request.user)
        return ctx

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


class AccountPasswordResetView(auth_views.PasswordResetView):
    form_class = AccountPasswordResetForm
    title = gettext_lazy("找回密码")


class AccountPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = AccountSetPasswordForm
    title = gettext_lazy("设置新密码")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


def _must_change_password(user) -> bool:
    profile = getattr(user, "profile", None)
    return bool(profile is not None and profile.must_change_password)


# --- the office's account pages -------------------------------------------------------------


class AccountManagerMixin(LoginRequiredMixin):
    """Only the office and admins reach the account pages."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).writes_all:
            raise PermissionDenied(_("只有安委办或系统管理员可以管理账号。"))
        return super().dispatch(request, *args, **kwargs)


class AccountObjectMixin(AccountManagerMixin):
    """Loads the account named in the URL; ``manage=True`` also requires the right to change it."""

    manage = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and user_scope(request.user).writes_all:
            try:
                self.account = services.account_get(actor=request.user, pk=kwargs["pk"])
            except User.DoesNotExist as exc:
                raise Http404(_("没有这个账号。")) from exc
            if self.manage and not services.may_manage_account(request.user, self.account):
                raise PermissionDenied(_("安委办、审计和系统管理员账号只能由系统管理员管理。"))
        return super().dispatch(request, *args, **kwargs)

    def detail_url(self):
        return reverse("responsibilities:account-detail", args=[self.account.pk])


class AccountListView(AccountManagerMixin, PortalListView):
    model = User
    filterset_class = AccountFilterSet
    template_name = "responsibilities/accounts/list.html"
    rows_template_name = "responsibilities/accounts/list_rows.html"
    create_url_name = "responsibilities:account-create"
    import_url_name = "responsibilities:account-import"
    paginate_by = 50

    def get_queryset(self):
        return services.account_list(actor=self.request.user)

    def user_may_create(self) -> bool:
        return user_scope(self.request.user).writes_all

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows_template"] = self.rows_template_name
        return ctx


class AccountDetailView(AccountObjectMixin, TemplateView):
    template_name = "responsibilities/accounts/detail.html"
    manage = False

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        account = self.account
        shown = self.request.session.get(NEW_PASSWORD_SESSION_KEY)
        if shown and shown.get("user") == account.pk:
            # Shown once: gone from the session as soon as this page has it.
            del self.request.session[NEW_PASSWORD_SESSION_KEY]
        else:
            shown = None
        ctx.update(
            account=account,
            profile=getattr(account, "profile", None),
            global_role_label=AccountRole(role).label
            if (role := services.account_global_role(account))
            else "",
            memberships=account.memberships.all(),
            grid_posts=account.grid_posts.select_related("grid", "grid__township"),
            can_manage=services.may_manage_account(self.request.user, account),
            is_self=account.pk == self.request.user.pk,
            new_password=shown["password"] if shown else None,
            membership_form=AccountMembershipForm(actor=self.request.user),
        )
        return ctx


def _remember_password(request, user, password) -> None:
    request.session[NEW_PASSWORD_SESSION_KEY] = {"user": user.pk, "password": password}


class AccountCreateView(AccountManagerMixin, ServiceFormView):
    form_class = AccountCreateForm
    template_name = "responsibilities/accounts/form.html"
    success_message = gettext_lazy("账号已创建。请把初始密码告知本人，首次登录须修改密码。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}

    def perform(self, form):
        new = services.account_create(actor=self.request.user, **form.cleaned_data)
        _remember_password(self.request, new.user, new.password)
        return new.user

    def get_success_url(self):
        return reverse("responsibilities:account-detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("新建账号")}


class AccountUpdateView(AccountObjectMixin, ServiceFormView):
    form_class = AccountUpdateForm
    template_name = "responsibilities/accounts/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}

    def get_initial(self):
        profile = getattr(self.account, "profile", None)
        return {
            "full_name": getattr(profile, "full_name", ""),
            "phone": getattr(profile, "phone", ""),
            "email": self.account.email,
            "global_role": services.account_global_role(self.account),
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.account_update(
            actor=self.request.user,
            user=self.account,
            full_name=data["full_name"],
            phone=data["phone"],
            email=data["email"],
            global_role=data.get("global_role") if "global_role" in form.fields else None,
        )

    def get_success_url(self):
        return self.detail_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("编辑账号：%s") % self.account.get_username(), account=self.account)
        return ctx


class AccountActionView(AccountObjectMixin, View):
    """A POST button on the account page: one service call, a message, back to the page."""

    http_method_names = ["post"]

    def act(self) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            messages.success(request, self.act())
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(self.detail_url())


class AccountDeactivateView(AccountActionView):
    def act(self):
        services.account_deactivate(actor=self.request.user, user=self.account)
        return _("账号已停用，本人不能再登录；其记录和历史保留。")


class AccountReactivateView(AccountActionView):
    def act(self):
        services.account_reactivate(actor=self.request.user, user=self.account)
        return _("账号已重新启用。")


class AccountResetPasswordView(AccountActionView):
    def act(self):
        password = services.account_reset_password(actor=self.request.user, user=self.account)
        _remember_password(self.request, self.account, password)
        return _("已生成新的初始密码，本人登录后须修改。")


class AccountMembershipAddView(AccountActionView):
    def act(self):
        form = AccountMembershipForm(self.request.POST, actor=self.request.user)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        membership = services.account_membership_add(
            actor=self.request.user, user=self.account, **form.cleaned_data
        )
        return _("已设为%(unit)s%(role)s。") % {
            "unit": membership.unit,
            "role": membership.get_role_display(),
        }


class AccountMembershipRemoveView(AccountActionView):
    def act(self):
        membership = get_object_or_404(
            Membership, pk=self.kwargs["membership_pk"], user=self.account
        )
        services.account_membership_remove(actor=self.request.user, membership=membership)
        return _("已移出%s。") % membership.unit


class AccountHandoverView(AccountObjectMixin, ServiceFormView):
    form_class = AccountHandoverForm
    template_name = "responsibilities/accounts/handover.html"
    success_message = gettext_lazy("交接完成，离岗人员账号已停用。")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "accounts": services.account_list(actor=self.request.user),
            "from_user": self.account,
        }

    def perform(self, form):
        moved = services.account_handover(
            actor=self.request.user, from_user=self.account, to_user=form.cleaned_data["to_user"]
        )
        summary = "，".join(f"{label} {n} 项" for label, n in moved.items())
        messages.info(self.request, _("已交接：%s。") % summary)
        return self.account

    def get_success_url(self):
        return self.detail_url()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.account}


class AccountImportView(AccountManagerMixin, FormView):
    """Step one: upload the sheet and see every row checked; nothing is saved yet."""

    form_class = AccountImportForm
    template_name = "responsibilities/accounts/import.html"

    def form_valid(self, form):
        try:
            result = importing.account_import_preview(
                actor=self.request.user, file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
            return self.form_invalid(form)
        if result.is_valid:
            self.request.session[IMPORT_SESSION_KEY] = result.raw_rows()
        else:
            self.request.session.pop(IMPORT_SESSION_KEY, None)
        return render(
            self.request,
            "responsibilities/accounts/import_preview.html",
            {"result": result, "form": self.form_class()},
        )


class AccountImportConfirmView(AccountManagerMixin, View):
    """Step two: import the previewed rows; every row or none."""

    http_method_names = ["post"]

    def post(self, request):
        rows = request.session.pop(IMPORT_SESSION_KEY, None)
        if not rows:
            messages.warning(request, _("没有待导入的数据，请重新上传表格。"))
            return redirect("responsibilities:account-import")
        result = importing.account_import(actor=request.user, rows=rows)
        template = (
            "responsibilities/accounts/import_done.html"
            if result.saved
            else "responsibilities/accounts/import_preview.html"
        )
        return render(request, template, {"result": result, "form": AccountImportForm()})


class AccountImportTemplateView(AccountManagerMixin, View):
    def get(self, request):
        from io import BytesIO

        return FileResponse(
            BytesIO(importing.account_import_template()),
            as_attachment=True,
            filename="账号导入模板.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
