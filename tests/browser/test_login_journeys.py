"""Signing in through the real login form, as each demo account, in Chromium."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# username -> (unit on the workbench or None, role badge, nav labels shown, nav labels hidden)
DEMO_JOURNEYS = {
    "office": ("市安委办", "安委办", {"账号管理"}, {"系统管理"}),
    "auditor": (None, "审计/考核（只读）", set(), {"账号管理", "系统管理"}),
    "zhujian": ("市住建局", "填报员", set(), {"账号管理", "系统管理"}),
    "zhujian-lead": ("市住建局", "负责人", set(), {"账号管理", "系统管理"}),
    "yingji": ("市应急管理局", "填报员", set(), {"账号管理", "系统管理"}),
    "houzhen": ("侯镇", "填报员", set(), {"账号管理", "系统管理"}),
}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def sign_in(page, username, password):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")


@pytest.mark.parametrize("username", list(DEMO_JOURNEYS))
def test_demo_account_signs_in_to_its_own_workbench(demo, browser_page, screenshot_dir, username):
    page = browser_page
    unit, role, shown, hidden = DEMO_JOURNEYS[username]
    sign_in(page, username, settings.DEMO_PASSWORD)
    page.wait_for_url(f"{page.base_url}/")

    greeting = page.locator("[data-testid=greeting]")
    assert greeting.locator("h1").inner_text().startswith("您好，")
    roles = greeting.locator("[data-testid=role]").all_inner_texts()
    assert role in roles, roles
    units = greeting.locator("[data-testid=unit]").all_inner_texts()
    assert units == ([unit] if unit else []), units

    nav = page.locator("[data-testid=main-nav]").inner_text()
    assert "工作台" in nav
    for label in shown:
        assert label in nav, f"{username} should see {label}: {nav!r}"
    for label in hidden:
        assert label not in nav, f"{username} should not see {label}: {nav!r}"

    if username == "office":
        page.screenshot(path=str(screenshot_dir / "workbench-office.png"), full_page=True)
        page.click("[data-nav=accounts]")
        page.wait_for_url(re.compile(r".*/accounts/users/$"))
        assert page.locator("[data-account=zhujian]").count() == 1

    # Signing out goes back to the login page, and the workbench is closed again.
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_url(re.compile(r".*/accounts/login/$"))
    page.goto(f"{page.base_url}/")
    assert "/accounts/login/" in page.url


def test_five_wrong_passwords_lock_a_throwaway_account_with_a_clear_message(demo, browser_page):
    from tests.responsibilities.factories import UserFactory

    UserFactory(username="throwaway-browser")
    page = browser_page
    for attempt in range(1, 5):
        sign_in(page, "throwaway-browser", f"wrong-password-{attempt}")
        assert "用户名或密码不正确" in page.locator("[data-testid=login-error]").inner_text()
    sign_in(page, "throwaway-browser", "wrong-password-5")

    locked = page.locator("[data-testid=locked-out]")
    text = locked.inner_text()
    assert "账号已锁定" in text
    assert re.search(r"30 分钟后（约 \d{2}:\d{2}）自动解锁", text), text
    assert "联系安委办" in text
    # Even the right password is refused until the lock ends.
    sign_in(page, "throwaway-browser", "Test-pass-2026")
    assert page.locator("[data-testid=locked-out]").count() == 1
