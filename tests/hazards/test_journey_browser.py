"""The hazard journey in Chromium, as the demo accounts.

houzhen records a hazard on a phone-sized screen — position from the device, a photo from the
camera input — then the office confirms it and assigns 市住建局 to rectify under 市应急管理局's
supervision; zhujian records the 五落实, starts, and submits with an after-photo; yingji finds
it waiting on the workbench and accepts it: 已销号. Screenshots go to the screenshot_dir and
/work/notes/screens/hazard-*.png.
"""

from __future__ import annotations

import datetime
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from hazards.choices import HazardState, PhotoKind
from hazards.models import Hazard
from responsibilities.demo import DemoRun, seed_accounts
from responsibilities.reference import load_reference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES_SCREENS = Path("/work/notes/screens")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# 侯镇, Shouguang
HERE = {"latitude": 37.051234, "longitude": 118.912345}


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def colour_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain PNG of one colour, so the thumbnails show which photo is which."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


@pytest.fixture
def demo_accounts(transactional_db):
    load_reference()
    seed_accounts(DemoRun())


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{page.base_url}/")


def shoot(page, screenshot_dir: Path, name: str) -> None:
    path = screenshot_dir / f"hazard-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if NOTES_SCREENS.is_dir():
        shutil.copy(path, NOTES_SCREENS / path.name)


def state(page) -> str:
    return page.locator("[data-testid=hazard-state]").get_attribute("data-state")


def do(page, action: str) -> None:
    """Open the action's panel on the hazard page (if folded) and wait for its form."""
    panel = page.locator(f"#act-{action}")
    if not panel.is_visible():
        page.click(f"[data-testid=open-{action}]")
        panel.wait_for(state="visible")


def test_houzhen_records_on_a_phone_office_assigns_zhujian_rectifies_yingji_accepts(
    demo_accounts, browser_page, screenshot_dir, tmp_path
):
    page = browser_page
    before = tmp_path / "现场.png"
    before.write_bytes(colour_png(24, 16, (200, 60, 40)))
    after = tmp_path / "整改后.png"
    after.write_bytes(colour_png(16, 24, (40, 160, 80)))
    today = timezone.localdate()

    # houzhen, on a phone: the position comes from the device, the photo from the camera input.
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(HERE)
    log_in(page, "houzhen")
    page.set_viewport_size(PHONE)
    page.goto(f"{page.base_url}/hazards/new/")
    assert page.locator("input[name=photos]").get_attribute("capture") == "environment"
    page.fill("input[name=address]", "侯镇工业园区东路3号仓库")
    page.fill("textarea[name=description]", "仓库消防通道堆放杂物，安全出口被堵")
    page.click("[data-point-locate]")
    page.wait_for_function(
        "document.querySelector('[data-point-lat]').value !== ''", timeout=10_000
    )
    assert page.input_value("[data-point-lat]") == "37.051234"
    page.set_input_files("input[name=photos]", str(before))
    shoot(page, screenshot_dir, "1-phone-form")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=hazard-state][data-state=reported]")
    hazard = Hazard.objects.get()
    assert hazard.reporting_unit.name == "侯镇"
    assert str(hazard.latitude) == "37.051234"
    assert page.locator("[data-testid=photos-before] [data-testid=photo]").count() == 1
    # The thumbnail is the photo itself, served to those who may see the hazard (lazy-loaded).
    page.locator("[data-testid=photos-before] img").scroll_into_view_if_needed()
    thumbnail = page.wait_for_function(
        """() => {
            const img = document.querySelector('[data-testid=photos-before] img');
            return img && img.complete && img.naturalWidth > 0 && img.naturalWidth;
        }"""
    )
    assert thumbnail.json_value() == 24
    shoot(page, screenshot_dir, "2-phone-recorded")

    # The office finds it waiting on the workbench, confirms it and assigns it.
    page.set_viewport_size(DESKTOP)
    log_in(page, "office")
    waiting = page.locator(f"[data-testid=panel-hazards-to-confirm] [data-code='{hazard.code}']")
    waiting.locator("a").click()
    page.wait_for_url(f"**{hazard.get_absolute_url()}")
    do(page, "confirm")
    page.select_option("select[name=confirm-grade]", "general")
    page.select_option("select[name=confirm-responsible_unit]", label="市住建局")
    page.select_option("select[name=confirm-supervising_unit]", label="市应急管理局")
    deadline = today + datetime.timedelta(days=15)
    page.fill("input[name=confirm-deadline]", deadline.isoformat())
    page.fill("textarea[name=confirm-comment]", "请市住建局15日内整改到位。")
    page.click("[data-testid=do-confirm]")
    page.wait_for_selector("[data-testid=hazard-state][data-state=confirmed]")
    assert page.locator("[data-testid=responsible-unit]").inner_text() == "市住建局"
    assert page.locator("[data-testid=supervising-unit]").inner_text() == "市应急管理局"
    shoot(page, screenshot_dir, "3-office-assigned")

    # zhujian sees it to rectify, records the five, starts and submits with an after-photo.
    log_in(page, "zhujian")
    page.locator(f"[data-testid=panel-hazards-to-rectify] [data-code='{hazard.code}'] a").click()
    page.wait_for_url(f"**{hazard.get_absolute_url()}")
    do(page, "plan")
    page.fill("input[name=plan-rectification_person]", "张伟")
    page.fill(
        "textarea[name=plan-rectification_measures]", "清理杂物，疏通消防通道，设置禁止堆放标识"
    )
    page.fill("input[name=plan-rectification_funds]", "0.30")
    page.fill("textarea[name=plan-contingency_plan]", "整改期间专人值守，配备灭火器4具")
    page.click("[data-testid=do-plan]")
    page.wait_for_selector(".alert-success")
    do(page, "start")
    page.click("[data-testid=do-start]")
    page.wait_for_selector("[data-testid=hazard-state][data-state=rectifying]")
    do(page, "submit")
    page.fill("textarea[name=submit-result]", "杂物已清理，消防通道畅通，标识已设置")
    page.fill("input[name=submit-rectified_on]", today.isoformat())
    page.set_input_files("input[name=submit-photos]", str(after))
    page.click("[data-testid=do-submit]")
    page.wait_for_selector("[data-testid=hazard-state][data-state=awaiting_acceptance]")
    assert page.locator("[data-testid=photos-after] [data-testid=photo]").count() == 1
    assert page.locator("[data-testid=action-accept]").count() == 0  # not the fixing unit
    shoot(page, screenshot_dir, "4-zhujian-submitted")

    # yingji, the supervising unit, accepts it: 已销号.
    log_in(page, "yingji")
    page.locator(f"[data-testid=panel-hazards-to-accept] [data-code='{hazard.code}'] a").click()
    page.wait_for_url(f"**{hazard.get_absolute_url()}")
    do(page, "accept")
    page.fill("textarea[name=accept-comment]", "现场核查，整改到位，同意销号。")
    page.click("[data-testid=do-accept]")
    page.wait_for_selector("[data-testid=hazard-state][data-state=closed]")
    assert "陈静" in page.locator("[data-testid=accepted]").inner_text()
    kinds = page.locator("[data-testid=timeline] [data-testid=event]").evaluate_all(
        "rows => rows.map(r => r.dataset.kind)"
    )
    assert kinds == ["report", "confirm", "plan", "start", "submit", "accept"]
    shoot(page, screenshot_dir, "5-yingji-closed")

    # The ledger shows it 已销号 among the hazards in yingji's scope.
    page.click("nav >> text=隐患排查")
    row = page.locator(f"[data-testid=hazard-row][data-code='{hazard.code}']")
    assert row.locator("[data-testid=hazard-state]").get_attribute("data-state") == "closed"
    shoot(page, screenshot_dir, "6-ledger")

    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    assert hazard.closed_at is not None
    assert hazard.photos.filter(kind=PhotoKind.AFTER).count() == 1
