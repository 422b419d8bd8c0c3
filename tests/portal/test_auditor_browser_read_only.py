"""The auditor in Chromium: every register's list and one record's page of each, with nothing
to change — no create, edit or delete button, no form that posts other than signing out and
the language switch, no htmx control that writes."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# register: (list URL name, model label)
REGISTERS = {
    "任务": ("tasks:task-list", "tasks.Task"),
    "隐患": ("hazards:hazard-list", "hazards.Hazard"),
    "风险点": ("risks:point-list", "risks.RiskPoint"),
    "应急预案": ("emergency:plan-list", "emergency.Plan"),
    "应急演练": ("emergency:drill-list", "emergency.Drill"),
    "救援队伍": ("emergency:team-list", "emergency.RescueTeam"),
    "应急物资": ("emergency:stockpile-list", "emergency.Stockpile"),
    "避难场所": ("emergency:shelter-list", "emergency.Shelter"),
    "单位": ("responsibilities:unit-list", "responsibilities.OrgUnit"),
    "生产经营单位": ("responsibilities:enterprise-list", "responsibilities.Enterprise"),
    "督办单": ("supervision:notice-list", "supervision.SupervisionNotice"),
}

WRITE_CONTROLS = (
    "[data-testid=create], [data-testid=edit], [data-testid=delete], [data-testid=import], "
    "[hx-post], [hx-put], [hx-patch], [hx-delete], "
    "a[href$='/new/'], a[href$='/edit/'], a[href*='/import/']"
)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)
    from portal.supervision.models import SupervisionNotice
    from responsibilities.models import OrgUnit
    from tests.supervision.factories import SupervisionNoticeFactory

    if not SupervisionNotice.objects.exists():
        SupervisionNoticeFactory(unit=OrgUnit.objects.get(name="市住建局"))


def _sign_in(page, username):
    page.goto(f"{page.base_url}{reverse('login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{page.base_url}/")


def _detail_path(model_label: str) -> str:
    from django.apps import apps

    row = apps.get_model(model_label)._default_manager.order_by("pk").first()
    assert row is not None, f"the demo has no {model_label}"
    return row.get_absolute_url()


def _assert_read_only(page, where: str) -> None:
    allowed = {reverse("logout"), reverse("set_language")}
    actions = page.eval_on_selector_all(
        "form", "forms => forms.map(f => [f.method.toLowerCase(), f.getAttribute('action')])"
    )
    posting = [action for method, action in actions if method == "post" and action not in allowed]
    assert not posting, f"{where}: forms that post {posting}"
    controls = page.locator(WRITE_CONTROLS)
    found = [controls.nth(i).evaluate("e => e.outerHTML")[:160] for i in range(controls.count())]
    assert not found, f"{where}: controls that write {found}"


def test_the_auditor_finds_nothing_to_change_on_any_register(demo, browser_page, screenshot_dir):
    page = browser_page
    _sign_in(page, "auditor")
    for register, (list_name, model_label) in REGISTERS.items():
        response = page.goto(f"{page.base_url}{reverse(list_name)}")
        assert response.status == 200, f"{register} list → {response.status}"
        _assert_read_only(page, f"{register} list")
        detail = _detail_path(model_label)
        response = page.goto(f"{page.base_url}{detail}")
        assert response.status == 200, f"{register} {detail} → {response.status}"
        _assert_read_only(page, f"{register} {detail}")
        if register == "隐患":
            page.screenshot(
                path=str(screenshot_dir / "auditor-hazard-read-only.png"), full_page=True
            )
    # The same check finds the office's controls, so it is not blind.
    page.context.clear_cookies()
    _sign_in(page, "office")
    page.goto(f"{page.base_url}{reverse('hazards:hazard-list')}")
    assert page.locator(WRITE_CONTROLS).count() > 0
    page.goto(f"{page.base_url}{_detail_path('hazards.Hazard')}")
    with pytest.raises(AssertionError):
        _assert_read_only(page, "the office's hazard page")
