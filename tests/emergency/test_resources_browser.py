"""In the browser: a township clerk records an 出库 that would go negative and sees the error
with nothing changed, then a valid 出库 that updates the balance; a citizen opens the public
shelter map without logging in and sees the published shelters on it."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.emergency.factories import ShelterFactory, StockpileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES_SCREENS = Path("/work/notes/screens")


def shoot(page, screenshot_dir, name):
    path = screenshot_dir / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if NOTES_SCREENS.is_dir():
        shutil.copy(path, NOTES_SCREENS / path.name)


def login(page, user, next_url):
    page.goto(f"{page.base_url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "Test-pass-2026")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"**{next_url}")


def test_township_clerk_cannot_take_out_more_than_is_held(cast, browser_page, screenshot_dir):
    stockpile = StockpileFactory(
        name="救生衣", owner_unit=cast.houzhen_unit, township=cast.houzhen_unit, quantity=100
    )
    page = browser_page
    login(page, cast.houzhen, stockpile.get_absolute_url())
    assert page.inner_text("[data-testid=balance]") == "100"

    form = page.locator("[data-testid=move-form]")
    form.locator("select[name=kind]").select_option("out")
    form.locator("input[name=quantity]").fill("150")
    form.locator("input[name=reason]").fill("汛期转移群众")
    form.locator("[data-testid=move-submit]").click()
    page.wait_for_selector("[data-field-error=quantity]")
    assert "出库后库存不能为负：现有 100件" in page.inner_text("[data-field-error=quantity]")
    assert page.inner_text("[data-testid=balance]") == "100"
    assert page.locator("[data-testid=movement-row]").count() == 1
    stockpile.refresh_from_db()
    assert stockpile.quantity == Decimal("100") and stockpile.movements.count() == 1

    form = page.locator("[data-testid=move-form]")
    form.locator("select[name=kind]").select_option("out")
    form.locator("input[name=quantity]").fill("40")
    form.locator("input[name=reason]").fill("汛期转移群众")
    form.locator("[data-testid=move-submit]").click()
    page.wait_for_url(f"**{stockpile.get_absolute_url()}")
    page.wait_for_selector("[data-testid=movement-row] >> nth=1")
    assert page.inner_text("[data-testid=balance]") == "60"
    first_row = page.locator("[data-testid=movement-row]").first.inner_text()
    assert "出库" in first_row and "60" in first_row and "t-houzhen" in first_row
    stockpile.refresh_from_db()
    assert stockpile.quantity == Decimal("60")
    shoot(page, screenshot_dir, "stockpile-ledger")


def test_the_public_sees_published_shelters_on_the_map_without_logging_in(
    cast, browser_page, screenshot_dir
):
    ShelterFactory(name="侯镇中心广场", township=cast.houzhen_unit)
    ShelterFactory(
        name="羊口镇中学操场",
        township=cast.yangkou_unit,
        shelter_type="school",
        latitude=Decimal("37.200000"),
        longitude=Decimal("118.880000"),
        facilities=["water", "toilet", "medical", "broadcast"],
    )
    ShelterFactory(name="未公开场地", township=cast.houzhen_unit, is_public=False)
    page = browser_page
    page.goto(f"{page.base_url}/emergency/shelters/public/")
    assert "/accounts/login/" not in page.url
    page.wait_for_selector("[data-testid=map][data-points='2']")
    assert page.locator(".map-point").count() == 2
    items = page.locator("[data-testid=public-shelter]")
    assert items.count() == 2
    text = page.inner_text("[data-testid=public-shelters]")
    assert "侯镇中心广场" in text and "羊口镇中学操场" in text and "未公开场地" not in text
    assert "0536-5221234" in text
    shoot(page, screenshot_dir, "shelters-public")

    page.select_option("select[name=township]", str(cast.yangkou_unit.pk))
    page.click("[data-testid=public-filter] button[type=submit]")
    page.wait_for_selector("[data-testid=map][data-points='1']")
    assert page.locator("[data-testid=public-shelter]").count() == 1
