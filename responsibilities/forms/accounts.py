"""Forms for signing in, passwords, and the office's account management pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.permissions import restrict, user_scope

from ..choices import AccountRole, MembershipRole
from ..models import OrgUnit

User = get_user_model()


class BootstrapMixin:
    """Bootstrap 5 classes on every widget, so templates need no per-field markup."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


# --- signing in and passwords ---------------------------------------------------------------


class LoginForm(BootstrapMixin, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "用户名或密码不正确（区分大小写）。"
            "连续输错 %(limit)d 次，账号将被锁定 %(minutes)d 分钟。"
        ),
        "inactive": _("该账号已停用，请联系安委办。"),
    }

    def get_invalid_login_error(self):
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={
                "limit": settings.AXES_FAILURE_LIMIT,
                "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            },
        )


class AccountPasswordChangeForm(BootstrapMixin, auth_forms.PasswordChangeForm):
    pass


class AccountPasswordResetForm(BootstrapMixin, auth_forms.PasswordResetForm):
    pass


class AccountSetPasswordForm(BootstrapMixin, auth_forms.SetPasswordForm):
    pass


# --- the office's account pages -------------------------------------------------------------


def _unit_queryset(actor):
    return restrict(OrgUnit.objects.filter(is_active=True), actor, "view")


def _role_choices(actor):
    roles = AccountRole.choices
    if not user_scope(actor).is_admin:
        roles = [(v, label) for v, label in roles if v in (AccountRole.STAFF, AccountRole.LEADER)]
    return roles


class AccountCreateForm(BootstrapMixin, forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("登录用，字母、数字或 @ . + - _，如 zhangsan。"),
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=30, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False, help_text=_("用于本人找回密码。"))
    unit = forms.ModelChoiceField(
        label=_("单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("填报员和负责人必选。"),
    )
    role = forms.ChoiceField(label=_("角色"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _unit_queryset(actor)
        self.fields["role"].choices = _role_choices(actor)
        if user_scope(actor).is_admin:
            self.fields["role"].help_text = _("安委办、审计、系统管理员为全局角色，可不选单位。")


class AccountUpdateForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=30, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    global_role = forms.ChoiceField(
        label=_("全局角色"),
        required=False,
        choices=[
            ("", _("无（按单位角色）")),
            (AccountRole.OFFICE, AccountRole.OFFICE.label),
            (AccountRole.AUDITOR, AccountRole.AUDITOR.label),
            (AccountRole.ADMIN, AccountRole.ADMIN.label),
        ],
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        if not user_scope(actor).is_admin:
            del self.fields["global_role"]


class AccountMembershipForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("单位角色"), choices=MembershipRole.choices)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _unit_queryset(actor)


class AccountHandoverForm(BootstrapMixin, forms.Form):
    to_user = forms.ModelChoiceField(
        label=_("接手人"),
        queryset=User.objects.none(),
        help_text=_("接手人获得离岗人员的单位角色、授权和网格员岗位；交接后离岗人员账号停用。"),
    )

    def __init__(self, *args, accounts, from_user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_user"]
        field.queryset = accounts.filter(is_active=True).exclude(pk=from_user.pk)
        field.label_from_instance = account_label


def account_label(user) -> str:
    profile = getattr(user, "profile", None)
    name = getattr(profile, "full_name", "") if profile is not None else ""
    units = "、".join(m.unit.display_name for m in user.memberships.all())
    text = f"{name}（{user.get_username()}）" if name else user.get_username()
    return f"{text} · {units}" if units else text


class AccountImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        help_text=_("列：用户名、姓名、手机号码、电子邮箱、单位、角色。先预览，确认无误后再导入。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
