"""Accounts: signing in, passwords, lockout, idle timeout, and the office's account pages."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from portal.handover import handover_steps, register_handover, unregister_handover
from portal.permissions import forget_scope, restrict, user_scope
from responsibilities.models import (
    Enterprise,
    EnterpriseUserObjectPermission,
    GridOfficer,
    Membership,
    Profile,
)
from responsibilities.services import account_import as importing
from responsibilities.services import accounts as services
from tests.querycount import assert_constant_queries
from tests.responsibilities.factories import (
    EnterpriseFactory,
    GridOfficerFactory,
    MembershipFactory,
    UserFactory,
)

User = get_user_model()
PASSWORD = "Test-pass-2026"  # the factories' password
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def login(client, username, password=PASSWORD, **extra):
    """Sign in through the real login form (django-axes needs the request)."""
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def sheet(*rows, headers=("用户名", "姓名", "手机号码", "电子邮箱", "单位", "角色")) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(content: bytes, name="accounts.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


# --- creating and managing accounts -----------------------------------------------------------


def test_office_creates_staff_account_with_generated_password_to_change_at_first_login(cast):
    new = services.account_create(
        actor=cast.office,
        username="wangfang",
        full_name="王芳",
        phone="13805361234",
        email="wangfang@example.cn",
        unit=cast.zhujian_unit,
        role="staff",
    )
    user = User.objects.get(username="wangfang")
    assert user.check_password(new.password)
    assert len(new.password) >= 10
    assert re.search(r"[A-Za-z]", new.password) and re.search(r"\d", new.password)
    assert user.profile.full_name == "王芳"
    assert user.profile.must_change_password is True
    assert user_scope(user).unit_ids == {cast.zhujian_unit.pk}
    # The membership puts the person into the unit's permission group (created on demand).
    cast.zhujian_unit.refresh_from_db()
    assert cast.zhujian_unit.group is not None
    assert user.groups.filter(pk=cast.zhujian_unit.group_id).exists()


def test_staff_and_leader_accounts_need_a_unit(cast):
    with pytest.raises(ValidationError) as exc:
        services.account_create(actor=cast.office, username="nounit", full_name="甲", role="staff")
    assert "unit" in exc.value.message_dict
    assert not User.objects.filter(username="nounit").exists()


def test_account_create_rejects_taken_username_and_bad_phone_naming_the_fields(cast):
    with pytest.raises(ValidationError) as exc:
        services.account_create(
            actor=cast.office,
            username="T-ZHUJIAN",  # differs only in case from an existing account
            full_name="乙",
            phone="12345",
            unit=cast.zhujian_unit,
            role="staff",
        )
    assert set(exc.value.message_dict) >= {"username", "phone"}


def test_only_admins_give_global_roles(cast):
    with pytest.raises(PermissionDenied):
        services.account_create(
            actor=cast.office, username="newoffice", full_name="丙", role="office"
        )
    new = services.account_create(
        actor=cast.admin,
        username="newoffice",
        full_name="丙",
        role="office",
        unit=cast.office_unit,
    )
    scope = user_scope(new.user)
    assert scope.is_office and scope.writes_all
    assert scope.unit_ids == {cast.office_unit.pk}


def test_admin_accounts_can_open_the_django_admin(cast):
    new = services.account_create(
        actor=cast.admin, username="it-admin", full_name="丁", role="admin"
    )
    assert new.user.is_staff and new.user.is_superuser
    services.account_update(actor=cast.admin, user=new.user, full_name="丁", global_role="auditor")
    new.user.refresh_from_db()
    assert not new.user.is_staff and not new.user.is_superuser
    forget_scope(new.user)
    assert user_scope(new.user).read_only


@pytest.mark.parametrize("who", ["auditor", "zhujian", "zhujian_lead", "houzhen"])
def test_only_office_and_admins_manage_accounts(cast, who):
    actor = getattr(cast, who)
    with pytest.raises(PermissionDenied):
        services.account_create(
            actor=actor, username="x1", full_name="某", unit=cast.zhujian_unit, role="staff"
        )
    with pytest.raises(PermissionDenied):
        services.account_deactivate(actor=actor, user=cast.yingji)
    with pytest.raises(PermissionDenied):
        services.account_list(actor=actor)


def test_office_cannot_manage_accounts_holding_a_global_role(cast):
    with pytest.raises(PermissionDenied):
        services.account_deactivate(actor=cast.office, user=cast.admin)
    with pytest.raises(PermissionDenied):
        services.account_reset_password(actor=cast.office, user=cast.auditor)
    services.account_deactivate(actor=cast.admin, user=cast.auditor)


def test_deactivated_account_is_kept_and_cannot_sign_in(cast, client):
    services.account_deactivate(actor=cast.office, user=cast.yingji)
    cast.yingji.refresh_from_db()
    assert User.objects.filter(pk=cast.yingji.pk).exists()
    assert not cast.yingji.is_active
    assert user_scope(cast.yingji).is_authenticated is False
    response = login(client, "t-yingji")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    services.account_reactivate(actor=cast.office, user=cast.yingji)
    assert login(client, "t-yingji").status_code == 302


def test_deactivation_ends_a_session_already_open(cast, client):
    client.force_login(cast.zhujian)
    assert client.get(reverse("workbench")).status_code == 200
    services.account_deactivate(actor=cast.office, user=cast.zhujian)
    response = client.get(reverse("workbench"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_nobody_deactivates_their_own_account(cast):
    with pytest.raises(ValidationError):
        services.account_deactivate(actor=cast.admin, user=cast.admin)


def test_reset_password_gives_a_new_initial_password_to_change(cast):
    password = services.account_reset_password(actor=cast.office, user=cast.zhujian)
    cast.zhujian.refresh_from_db()
    assert cast.zhujian.check_password(password)
    assert cast.zhujian.profile.must_change_password


def test_membership_changes_follow_the_scope_and_the_unit_group(cast):
    user = cast.zhujian
    assert user_scope(user).unit_ids == {cast.zhujian_unit.pk}
    membership = services.account_membership_add(
        actor=cast.office, user=user, unit=cast.yingji_unit, role="leader"
    )
    assert user_scope(user).leader_unit_ids == {cast.yingji_unit.pk}
    cast.yingji_unit.refresh_from_db()
    assert user.groups.filter(pk=cast.yingji_unit.group_id).exists()
    services.account_membership_remove(actor=cast.office, membership=membership)
    assert user_scope(user).unit_ids == {cast.zhujian_unit.pk}
    assert not user.groups.filter(pk=cast.yingji_unit.group_id).exists()


# --- bulk import from Excel ------------------------------------------------------------------


def test_import_with_a_bad_row_names_row_and_field_and_saves_nothing(cast):
    content = sheet(
        ("liming", "李明", "13805360001", "", "住建局", "填报员"),  # short name matches
        ("zhaolei", "赵雷", "", "", "市不存在局", "填报员"),
        ("sunli", "孙丽", "", "not-an-email", "侯镇", "负责人"),
        ("liming", "李明二", "", "", "市住建局", "队长"),
    )
    result = importing.account_import_preview(actor=cast.office, file=upload(content))
    assert not result.is_valid
    errors = result.errors
    assert any(e.startswith("第3行 单位：") and "市不存在局" in e for e in errors)
    assert any(e.startswith("第4行 电子邮箱：") for e in errors)
    assert any(e.startswith("第5行 用户名：") and "第2行" in e for e in errors)
    assert any(e.startswith("第5行 角色：") and "队长" in e for e in errors)
    assert result.rows[0].errors == []
    assert result.rows[0].unit == cast.zhujian_unit
    # Nothing saved, even when the rows are sent for real.
    saved = importing.account_import(actor=cast.office, rows=result.raw_rows())
    assert not saved.saved
    assert not User.objects.filter(username__in=["liming", "zhaolei", "sunli"]).exists()


def test_import_of_a_valid_sheet_opens_every_account_with_a_password_to_change(cast):
    cast.yingji_unit.aliases = ["市应急局"]
    cast.yingji_unit.save()
    content = sheet(
        ("liming", "李明", 13805360001, "liming@example.cn", "市应急局", "填报员"),
        (None, None, None, None, None, None),  # blank rows are skipped
        ("sunli", "孙丽", "", "", "侯镇", "负责人"),
    )
    preview = importing.account_import_preview(actor=cast.office, file=upload(content))
    assert preview.is_valid and not preview.saved
    assert not User.objects.filter(username="liming").exists()
    result = importing.account_import(actor=cast.office, rows=preview.raw_rows())
    assert result.saved
    liming = User.objects.get(username="liming")
    assert liming.profile.phone == "13805360001"
    assert liming.profile.must_change_password
    assert liming.check_password(result.rows[0].password)
    assert Membership.objects.get(user__username="sunli").role == "leader"
    assert Membership.objects.get(user=liming).unit == cast.yingji_unit


def test_import_rejects_missing_columns_and_files_that_are_not_excel(cast):
    wrong = sheet(("liming", "李明"), headers=("用户名", "姓名"))
    with pytest.raises(ValidationError) as exc:
        importing.account_import_preview(actor=cast.office, file=upload(wrong))
    assert "单位" in exc.value.messages[0] and "角色" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        importing.account_import_preview(
            actor=cast.office, file=upload(b"username,name\nliming,LM\n", "fake.xlsx")
        )
    assert "Excel" in exc.value.messages[0]


def test_office_cannot_import_global_roles(cast):
    content = sheet(("boss", "老板", "", "", "市安委办", "系统管理员"))
    result = importing.account_import_preview(actor=cast.office, file=upload(content))
    assert any(e.startswith("第2行 角色：") for e in result.errors)


def test_import_pages_preview_then_confirm(cast, client):
    client.force_login(cast.office)
    bad = sheet(("liming", "李明", "", "", "市不存在局", "填报员"))
    response = client.post(reverse("responsibilities:account-import"), {"file": upload(bad)})
    assert response.status_code == 200
    assert "第2行 单位" in response.content.decode()
    assert 'data-testid="confirm-import"' not in response.content.decode()
    confirm = client.post(reverse("responsibilities:account-import-confirm"))
    assert confirm.status_code == 302  # nothing pending: back to the upload page
    assert not User.objects.filter(username="liming").exists()

    good = sheet(("liming", "李明", "", "", "市住建局", "填报员"))
    response = client.post(reverse("responsibilities:account-import"), {"file": upload(good)})
    assert 'data-testid="confirm-import"' in response.content.decode()
    assert not User.objects.filter(username="liming").exists()
    response = client.post(reverse("responsibilities:account-import-confirm"))
    assert response.status_code == 200
    assert User.objects.filter(username="liming", profile__must_change_password=True).exists()
    assert "初始密码" in response.content.decode()


def test_import_page_explains_a_file_that_is_not_excel(cast, client):
    client.force_login(cast.office)
    response = client.post(
        reverse("responsibilities:account-import"),
        {"file": SimpleUploadedFile("x.xlsx", b"%PDF-1.4 not a sheet")},
    )
    assert response.status_code == 200
    assert "不是 Excel" in response.content.decode()


def test_import_template_is_a_sheet_with_the_expected_header(cast, client):
    client.force_login(cast.office)
    response = client.get(reverse("responsibilities:account-import-template"))
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    header = [c.value for c in workbook.worksheets[0][1]]
    assert header == ["用户名", "姓名", "手机号码", "电子邮箱", "单位", "角色"]


# --- handover --------------------------------------------------------------------------------


def test_handover_moves_unit_roles_grants_and_grid_posts_then_deactivates(cast):
    leaving = MembershipFactory(
        user=UserFactory(username="leaving"), unit=cast.houzhen_unit, role="leader"
    ).user
    enterprise = EnterpriseFactory(township=cast.yangkou_unit)
    permission = Permission.objects.get(codename="view_enterprise")
    EnterpriseUserObjectPermission.objects.create(
        user=leaving, permission=permission, content_object=enterprise
    )
    post = GridOfficerFactory(user=leaving, name="旧网格员")
    colleague = cast.houzhen
    colleague.profile.full_name = "侯镇新人"
    colleague.profile.phone = "13905360000"
    colleague.profile.save()
    assert not restrict(Enterprise.objects.all(), colleague).filter(pk=enterprise.pk).exists()

    moved = services.account_handover(actor=cast.office, from_user=leaving, to_user=colleague)

    assert moved == {"单位角色": 1, "生产经营单位个人授权": 1, "网格员岗位": 1}
    assert Membership.objects.get(user=colleague, unit=cast.houzhen_unit).role == "leader"
    assert not Membership.objects.filter(user=leaving).exists()
    assert user_scope(colleague).leader_unit_ids == {cast.houzhen_unit.pk}
    assert restrict(Enterprise.objects.all(), colleague).filter(pk=enterprise.pk).exists()
    post.refresh_from_db()
    assert (post.user, post.name, post.phone) == (colleague, "侯镇新人", "13905360000")
    leaving.refresh_from_db()
    assert not leaving.is_active


def test_handover_needs_an_active_colleague_and_the_right_to_manage(cast):
    services.account_deactivate(actor=cast.office, user=cast.yingji)
    with pytest.raises(ValidationError):
        services.account_handover(actor=cast.office, from_user=cast.zhujian, to_user=cast.yingji)
    with pytest.raises(ValidationError):
        services.account_handover(actor=cast.office, from_user=cast.zhujian, to_user=cast.zhujian)
    with pytest.raises(PermissionDenied):
        services.account_handover(
            actor=cast.zhujian_lead, from_user=cast.zhujian, to_user=cast.zhujian_lead
        )
    cast.zhujian.refresh_from_db()
    assert cast.zhujian.is_active


def test_handover_runs_steps_other_apps_register_and_reports_their_counts(cast):
    def hand_over_open_reports(from_user, to_user) -> int:
        """待办填报"""
        return 3

    register_handover(hand_over_open_reports)
    try:
        moved = services.account_handover(
            actor=cast.office, from_user=cast.zhujian, to_user=cast.zhujian_lead
        )
    finally:
        unregister_handover(hand_over_open_reports)
    assert moved["待办填报"] == 3


def test_handover_is_all_or_nothing_when_a_step_fails(cast):
    def hand_over_broken(from_user, to_user) -> int:
        raise ValidationError("某应用的交接失败")

    register_handover(hand_over_broken)
    try:
        with pytest.raises(ValidationError):
            services.account_handover(
                actor=cast.office, from_user=cast.zhujian, to_user=cast.yingji
            )
    finally:
        unregister_handover(hand_over_broken)
    cast.zhujian.refresh_from_db()
    assert cast.zhujian.is_active
    assert Membership.objects.filter(user=cast.zhujian, unit=cast.zhujian_unit).exists()
    assert not Membership.objects.filter(user=cast.yingji, unit=cast.zhujian_unit).exists()


def test_handover_registry_lists_this_issues_steps():
    labels = {str(step.label) for step in handover_steps()}
    assert {"单位角色", "生产经营单位个人授权", "网格员岗位"} <= labels


# --- signing in, first login, idle timeout, password policy, lockout ---------------------------


def test_login_page_is_chinese_and_signs_in_to_the_workbench(cast, client):
    page = client.get(reverse("login"))
    assert "账号登录" in page.content.decode()
    response = login(client, "t-zhujian")
    assert response.status_code == 302 and response.url == reverse("workbench")
    workbench = client.get(reverse("workbench"))
    assert workbench.status_code == 200
    assert "市住建局" in workbench.content.decode()


def test_new_account_must_change_password_before_anything_else(cast, client):
    new = services.account_create(
        actor=cast.office, username="first", full_name="首登", unit=cast.zhujian_unit, role="staff"
    )
    response = login(client, "first", new.password)
    assert response.status_code == 302
    response = client.get(reverse("workbench"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("password_change"))
    page = client.get(response.url)
    assert "首次登录" in page.content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": new.password,
            "new_password1": "Shouguang2026safe",
            "new_password2": "Shouguang2026safe",
        },
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=new.user).must_change_password is False
    assert client.get(reverse("workbench")).status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1", "至少需要 10 个字符"),
        ("abcdefghijkl", "字母和数字"),
        ("2026031512345", "字母和数字"),
    ],
)
def test_password_policy_needs_ten_characters_with_letters_and_digits(
    cast, client, password, message
):
    client.force_login(cast.zhujian)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    cast.zhujian.refresh_from_db()
    assert cast.zhujian.check_password(PASSWORD)


def test_password_reset_by_mail_sets_a_new_password_and_clears_the_first_login_change(cast, client):
    Profile.objects.filter(user=cast.yingji).update(must_change_password=True)
    response = client.post(reverse("password_reset"), {"email": cast.yingji.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "重设密码" in mail.outbox[0].subject
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "设置新密码" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Yingji2026reset", "new_password2": "Yingji2026reset"},
    )
    assert response.status_code == 302
    cast.yingji.refresh_from_db()
    assert cast.yingji.check_password("Yingji2026reset")
    assert not cast.yingji.profile.must_change_password


def test_session_expires_after_the_idle_timeout(cast, client, settings, monkeypatch):
    assert login(client, "t-zhujian").status_code == 302
    start = timezone.now()
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)

    def at(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return client.get(reverse("workbench"))

    # Activity keeps the session alive past one idle period in total…
    assert at(start + idle - timedelta(minutes=1)).status_code == 200
    last = start + 2 * idle - timedelta(minutes=2)
    assert at(last).status_code == 200
    # …but a full idle period without a request ends it.
    response = at(last + idle + timedelta(minutes=1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(cast, client):
    UserFactory(username="throwaway-lock")
    responses = [login(client, "throwaway-lock", "wrong-password-1") for _ in range(5)]
    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert "用户名或密码不正确" in responses[0].content.decode()
    locked = responses[4]
    assert locked.status_code == 429  # django-axes: Too Many Requests
    text = locked.content.decode()
    assert "账号已锁定" in text
    assert "30 分钟后" in text and "自动解锁" in text
    assert "联系安委办" in text
    # The right password does not get in while the lock lasts.
    again = login(client, "throwaway-lock")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_user_without_a_profile_row_can_use_the_portal(cast, client):
    bare = User.objects.create_user("bare", password=PASSWORD)
    assert not Profile.objects.filter(user=bare).exists()
    assert login(client, "bare").status_code == 302
    page = client.get(reverse("workbench"))
    assert page.status_code == 200
    assert "bare" in page.content.decode()
    client.force_login(cast.office)
    assert client.get(reverse("responsibilities:account-list")).status_code == 200
    assert client.get(reverse("responsibilities:account-detail", args=[bare.pk])).status_code == 200
    services.account_update(actor=cast.office, user=bare, full_name="无资料")
    assert Profile.objects.get(user=bare).full_name == "无资料"


# --- the account pages ------------------------------------------------------------------------

ACCOUNT_PAGES = [
    ("responsibilities:account-list", False),
    ("responsibilities:account-create", False),
    ("responsibilities:account-import", False),
    ("responsibilities:account-import-template", False),
    ("responsibilities:account-detail", True),
    ("responsibilities:account-edit", True),
    ("responsibilities:account-handover", True),
]


@pytest.mark.parametrize(("name", "with_pk"), ACCOUNT_PAGES)
@pytest.mark.parametrize("who", ["auditor", "zhujian", "zhujian_lead", "houzhen"])
def test_auditor_and_unit_members_cannot_reach_account_pages(cast, client, who, name, with_pk):
    client.force_login(getattr(cast, who))
    url = reverse(name, args=[cast.yingji.pk] if with_pk else [])
    assert client.get(url).status_code == 403


def test_auditor_cannot_post_to_account_actions(cast, client):
    client.force_login(cast.auditor)
    url = reverse("responsibilities:account-deactivate", args=[cast.yingji.pk])
    assert client.post(url).status_code == 403
    cast.yingji.refresh_from_db()
    assert cast.yingji.is_active


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse("responsibilities:account-list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_office_creates_an_account_and_sees_the_initial_password_once(cast, client):
    client.force_login(cast.office)
    response = client.post(
        reverse("responsibilities:account-create"),
        {
            "username": "zhouming",
            "full_name": "周明",
            "phone": "13805361111",
            "email": "",
            "unit": cast.houzhen_unit.pk,
            "role": "staff",
        },
    )
    user = User.objects.get(username="zhouming")
    assert response.url == reverse("responsibilities:account-detail", args=[user.pk])
    page = client.get(response.url).content.decode()
    shown = re.search(r'data-testid="initial-password-value">([^<]+)<', page).group(1)
    assert user.check_password(shown)
    assert "initial-password-value" not in client.get(response.url).content.decode()


def test_office_account_form_offers_unit_roles_only(cast, client):
    client.force_login(cast.office)
    page = client.get(reverse("responsibilities:account-create")).content.decode()
    assert 'value="staff"' in page and 'value="leader"' in page
    assert 'value="office"' not in page and 'value="admin"' not in page
    response = client.post(
        reverse("responsibilities:account-create"),
        {"username": "sneaky", "full_name": "某", "role": "admin"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="sneaky").exists()


def test_office_edits_a_unit_account_and_cannot_give_it_a_global_role(cast, client):
    client.force_login(cast.office)
    url = reverse("responsibilities:account-edit", args=[cast.zhujian.pk])
    page = client.get(url).content.decode()
    assert 'name="global_role"' not in page
    response = client.post(
        url,
        {
            "full_name": "张伟",
            "phone": "13805369999",
            "email": "zw@example.cn",
            "global_role": "admin",
        },
    )
    assert response.status_code == 302
    cast.zhujian.refresh_from_db()
    assert cast.zhujian.profile.phone == "13805369999"
    assert cast.zhujian.email == "zw@example.cn"
    assert not cast.zhujian.is_superuser
    bad = client.post(url, {"full_name": "张伟", "phone": "5550000"})
    assert bad.status_code == 200
    assert 'data-field-error="phone"' in bad.content.decode()


def test_admin_gives_and_takes_global_roles_on_the_edit_page(cast, client):
    client.force_login(cast.admin)
    url = reverse("responsibilities:account-edit", args=[cast.yingji.pk])
    response = client.post(url, {"full_name": "陈静", "global_role": "auditor"})
    assert response.status_code == 302
    forget_scope(cast.yingji)
    assert user_scope(cast.yingji).is_auditor


def test_office_deactivates_reactivates_and_resets_from_the_account_page(cast, client):
    client.force_login(cast.office)
    detail = reverse("responsibilities:account-detail", args=[cast.houzhen.pk])
    client.post(reverse("responsibilities:account-deactivate", args=[cast.houzhen.pk]))
    cast.houzhen.refresh_from_db()
    assert not cast.houzhen.is_active
    assert 'data-testid="reactivate"' in client.get(detail).content.decode()
    client.post(reverse("responsibilities:account-reactivate", args=[cast.houzhen.pk]))
    cast.houzhen.refresh_from_db()
    assert cast.houzhen.is_active
    response = client.post(
        reverse("responsibilities:account-reset-password", args=[cast.houzhen.pk]), follow=True
    )
    shown = re.search(
        r'data-testid="initial-password-value">([^<]+)<', response.content.decode()
    ).group(1)
    cast.houzhen.refresh_from_db()
    assert cast.houzhen.check_password(shown)


def test_office_adds_and_removes_unit_roles_from_the_account_page(cast, client):
    client.force_login(cast.office)
    add = reverse("responsibilities:account-membership-add", args=[cast.houzhen.pk])
    client.post(add, {"unit": cast.yangkou_unit.pk, "role": "leader"})
    membership = Membership.objects.get(user=cast.houzhen, unit=cast.yangkou_unit)
    assert membership.role == "leader"
    client.post(
        reverse("responsibilities:account-membership-remove", args=[cast.houzhen.pk, membership.pk])
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    forget_scope(cast.houzhen)
    assert user_scope(cast.houzhen).unit_ids == {cast.houzhen_unit.pk}


def test_office_cannot_open_an_admin_account_for_editing(cast, client):
    client.force_login(cast.office)
    url = reverse("responsibilities:account-edit", args=[cast.admin.pk])
    assert client.get(url).status_code == 403


def test_account_list_filters_by_unit_role_and_state(cast, client):
    services.account_deactivate(actor=cast.office, user=cast.yingji)
    client.force_login(cast.office)
    url = reverse("responsibilities:account-list")

    def names(**params):
        page = client.get(url, params).content.decode()
        return set(re.findall(r'data-account="([^"]+)"', page))

    assert names(unit=cast.zhujian_unit.pk) == {"t-zhujian", "t-zhujian-lead"}
    assert names(unit=cast.zhujian_unit.pk, role="leader") == {"t-zhujian-lead"}
    assert names(role="auditor") == {"t-auditor"}
    assert names(is_active="false") == {"t-yingji"}
    assert "t-yingji" not in names(is_active="true")
    assert names(q="t-hou") == {"t-houzhen"}


def test_account_list_costs_the_same_queries_at_any_size(cast, client):
    client.force_login(cast.office)
    url = reverse("responsibilities:account-list")

    def grow(n):
        while User.objects.count() < n:
            MembershipFactory(unit=cast.zhujian_unit)

    def fetch():
        assert client.get(url).status_code == 200

    assert_constant_queries(grow, fetch, sizes=(10, 60))


def test_handover_page_moves_work_and_reports_what_moved(cast, client):
    client.force_login(cast.office)
    response = client.post(
        reverse("responsibilities:account-handover", args=[cast.zhujian.pk]),
        {"to_user": cast.yingji.pk},
        follow=True,
    )
    text = response.content.decode()
    assert "单位角色 1 项" in text
    cast.zhujian.refresh_from_db()
    assert not cast.zhujian.is_active
    assert Membership.objects.filter(user=cast.yingji, unit=cast.zhujian_unit).exists()


# --- the shell --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees", "hidden"),
    [
        ("office", {"账号管理"}, {"系统管理"}),
        ("admin", {"账号管理", "系统管理"}, set()),
        ("auditor", set(), {"账号管理", "系统管理"}),
        ("zhujian", set(), {"账号管理", "系统管理", "接口文档"}),
        ("zhujian_lead", set(), {"账号管理", "系统管理"}),
        ("houzhen", set(), {"账号管理", "系统管理"}),
    ],
)
def test_navigation_shows_each_role_only_what_it_may_use(cast, client, who, sees, hidden):
    client.force_login(getattr(cast, who))
    page = client.get(reverse("workbench"))
    assert page.status_code == 200
    nav = re.search(r'data-testid="main-nav">(.*?)</ul>', page.content.decode(), re.S).group(1)
    for label in sees:
        assert label in nav
    for label in hidden:
        assert label not in nav


@pytest.mark.parametrize(
    ("who", "unit", "role"),
    [
        ("zhujian", "市住建局", "填报员"),
        ("zhujian_lead", "市住建局", "负责人"),
        ("houzhen", "侯镇", "填报员"),
        ("office", "市安委办", "安委办"),
        ("auditor", None, "审计/考核"),
    ],
)
def test_workbench_greets_with_name_unit_and_role(cast, client, who, unit, role):
    user = getattr(cast, who)
    user.profile.full_name = "张三"
    user.profile.save()
    client.force_login(user)
    text = client.get(reverse("workbench")).content.decode()
    greeting = re.search(r'data-testid="greeting">(.*?)</section>', text, re.S).group(1)
    assert "张三" in greeting
    assert role in greeting
    if unit:
        assert unit in greeting


def test_language_switch_turns_the_shell_to_english_and_back(cast, client):
    client.force_login(cast.zhujian)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("workbench")).content.decode()
    assert '<html lang="en">' in page
    assert 'value="zh-hans"' in page  # the switch now offers Chinese
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get(reverse("workbench")).content.decode()


def test_grid_officer_model_is_unchanged_by_an_unrelated_handover(cast):
    post = GridOfficerFactory(user=cast.houzhen)
    services.account_handover(actor=cast.office, from_user=cast.zhujian, to_user=cast.yingji)
    assert GridOfficer.objects.get(pk=post.pk).user == cast.houzhen
