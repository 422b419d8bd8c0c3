"""物资储备 pages: the list flags low, expired and soon-expiring stock and filters by them;
a stockpile's page explains its quantity by its movements and takes 入库/出库/损耗 through
``stock_move`` (a balance never goes negative, errors on the page, nothing changed); a new
stockpile's initial quantity is its first movement and editing never touches quantity; the
movement list filters; the workbench raises a unit's low or expiring stock; lists cost the
same queries at any size."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from emergency.choices import MovementKind, StockCategory
from emergency.models import StockMovement, Stockpile
from tests.emergency.factories import StockpileFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

LIST = reverse("emergency:stockpile-list")
CREATE = reverse("emergency:stockpile-create")
MOVEMENTS = reverse("emergency:movement-list")


def today():
    return timezone.localdate()


def names(response) -> set[str]:
    return {stockpile.name for stockpile in response.context["object_list"]}


def move(client, stockpile, kind, quantity, reason="防汛抢险调用", occurred_on=None):
    return client.post(
        reverse("emergency:stockpile-move", args=[stockpile.pk]),
        {
            "kind": kind,
            "quantity": quantity,
            "occurred_on": (occurred_on or today()).isoformat(),
            "reason": reason,
        },
    )


def stockpile_form(unit, **overrides) -> dict:
    data = {
        "name": "编织袋",
        "category": StockCategory.FLOOD,
        "measure_unit": "条",
        "minimum_quantity": "500",
        "owner_unit": unit.pk,
        "township": unit.pk if unit.is_township else "",
        "place": "侯镇防汛物资仓库",
        "custodian": "张伟",
        "initial_quantity": "2000",
    }
    data.update(overrides)
    return data


# --- the list -------------------------------------------------------------------------------


def test_list_flags_low_expired_and_expiring_stock(client, cast):
    low = StockpileFactory(name="救生衣", quantity=Decimal("5"), minimum_quantity=Decimal("10"))
    expired = StockpileFactory(name="急救包", expires_on=today() - datetime.timedelta(days=1))
    expiring = StockpileFactory(name="压缩饼干", expires_on=today() + datetime.timedelta(days=30))
    fine = StockpileFactory(name="帐篷", expires_on=today() + datetime.timedelta(days=31))
    client.force_login(cast.houzhen)
    response = client.get(LIST)
    rows = {s.name: s for s in response.context["object_list"]}
    assert (rows[low.name].flag_low, rows[fine.name].flag_low) == (True, False)
    assert rows[expired.name].flag_expired and not rows[expired.name].flag_expiring
    assert rows[expiring.name].flag_expiring and not rows[expiring.name].flag_expired
    assert not (rows[fine.name].flag_expired or rows[fine.name].flag_expiring)
    body = response.content.decode()
    assert body.count('data-testid="flag-low"') == 1
    assert body.count('data-testid="flag-expired"') == 1
    assert body.count('data-testid="flag-expiring"') == 1


def test_list_filters_by_low_expiry_category_unit_township_and_words(client, cast):
    low = StockpileFactory(
        name="救生衣",
        quantity=Decimal("5"),
        minimum_quantity=Decimal("10"),
        owner_unit=cast.houzhen_unit,
        township=cast.houzhen_unit,
    )
    expired = StockpileFactory(
        name="急救包",
        category=StockCategory.MEDICAL,
        expires_on=today() - datetime.timedelta(days=3),
        owner_unit=cast.yingji_unit,
    )
    expiring = StockpileFactory(
        name="压缩饼干", expires_on=today() + datetime.timedelta(days=10), place="北区仓库"
    )
    client.force_login(cast.office)
    assert names(client.get(LIST, {"low": "true"})) == {low.name}
    assert names(client.get(LIST, {"expiry": "expired"})) == {expired.name}
    assert names(client.get(LIST, {"expiry": "soon"})) == {expiring.name}
    assert names(client.get(LIST, {"category": "medical"})) == {expired.name}
    assert names(client.get(LIST, {"owner_unit": cast.yingji_unit.pk})) == {expired.name}
    assert names(client.get(LIST, {"township": cast.houzhen_unit.pk})) == {low.name}
    assert names(client.get(LIST, {"q": "北区"})) == {expiring.name}


def test_stockpile_list_costs_the_same_queries_for_10_and_1000_rows(client, cast):
    client.force_login(cast.houzhen)

    def grow(n):
        missing = n - Stockpile.objects.count()
        Stockpile.objects.bulk_create(
            StockpileFactory.build_batch(missing, owner_unit=cast.zhujian_unit)
        )

    def fetch():
        response = client.get(LIST, {"page_size": 50})
        assert response.status_code == 200
        assert len(response.context["object_list"]) == min(50, Stockpile.objects.count())

    assert_constant_queries(grow, fetch)


# --- recording and editing ------------------------------------------------------------------


def test_new_stockpile_initial_quantity_is_its_first_movement(client, cast):
    client.force_login(cast.houzhen)
    response = client.post(CREATE, stockpile_form(cast.houzhen_unit))
    stockpile = Stockpile.objects.get(name="编织袋")
    assert response.status_code == 302
    assert stockpile.quantity == Decimal("2000")
    movement = stockpile.movements.get()
    assert (movement.kind, movement.quantity, movement.balance_after, movement.reason) == (
        MovementKind.IN,
        Decimal("2000"),
        Decimal("2000"),
        "初始入库",
    )


def test_new_stockpile_with_a_negative_initial_quantity_is_refused(client, cast):
    client.force_login(cast.houzhen)
    response = client.post(CREATE, stockpile_form(cast.houzhen_unit, initial_quantity="-5"))
    assert response.status_code == 200
    assert "initial_quantity" in response.context["form"].errors
    assert not Stockpile.objects.exists()


def test_edit_form_has_no_quantity_and_never_changes_it(client, cast):
    stockpile = StockpileFactory(owner_unit=cast.houzhen_unit, quantity=Decimal("100"))
    url = reverse("emergency:stockpile-edit", args=[stockpile.pk])
    client.force_login(cast.houzhen)
    form = client.get(url).context["form"]
    assert "quantity" not in form.fields and "initial_quantity" not in form.fields
    data = stockpile_form(
        cast.houzhen_unit, name=stockpile.name, quantity="9999", initial_quantity="50"
    )
    data["minimum_quantity"] = "20"
    response = client.post(url, data)
    assert response.status_code == 302
    stockpile.refresh_from_db()
    assert (stockpile.quantity, stockpile.minimum_quantity) == (Decimal("100"), Decimal("20"))
    assert stockpile.movements.count() == 1


def test_bureau_cannot_edit_another_units_stockpile(client, cast):
    stockpile = StockpileFactory(owner_unit=cast.yingji_unit)
    client.force_login(cast.zhujian)
    assert client.get(reverse("emergency:stockpile-edit", args=[stockpile.pk])).status_code == 404


# --- the ledger and movements ---------------------------------------------------------------


def test_detail_explains_the_quantity_by_its_movements(client, cast):
    stockpile = StockpileFactory(owner_unit=cast.houzhen_unit, quantity=Decimal("100"))
    client.force_login(cast.houzhen)
    move(client, stockpile, "out", "30", reason="汛期转移群众")
    response = client.get(stockpile.get_absolute_url())
    ledger = response.context["movements"]
    assert [(m.kind, m.quantity, m.balance_after) for m in ledger] == [
        ("out", Decimal("30"), Decimal("70")),
        ("in", Decimal("100"), Decimal("100")),
    ]
    assert ledger[0].actor == cast.houzhen
    body = response.content.decode()
    assert "汛期转移群众" in body and "t-houzhen" in body
    assert response.context["move_form"] is not None


def test_a_valid_out_movement_updates_the_balance(client, cast):
    stockpile = StockpileFactory(owner_unit=cast.houzhen_unit, quantity=Decimal("100"))
    client.force_login(cast.houzhen)
    response = move(client, stockpile, "out", "40")
    assert response.status_code == 302
    stockpile.refresh_from_db()
    assert stockpile.quantity == Decimal("60")
    assert stockpile.movements.latest("pk").balance_after == Decimal("60")
    assert "已登记出库 40件，结存 60件。" in client.get(response.url).content.decode()


def test_an_out_movement_below_zero_shows_the_error_and_changes_nothing(client, cast):
    stockpile = StockpileFactory(owner_unit=cast.houzhen_unit, quantity=Decimal("100"))
    client.force_login(cast.houzhen)
    response = move(client, stockpile, "out", "150")
    assert response.status_code == 200
    assert response.context["move_form"].errors["quantity"] == ["出库后库存不能为负：现有 100件"]
    assert "出库后库存不能为负" in response.content.decode()
    stockpile.refresh_from_db()
    assert stockpile.quantity == Decimal("100")
    assert stockpile.movements.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("quantity", "0"), ("quantity", "abc"), ("kind", "gift"), ("reason", "")],
)
def test_bad_movement_input_names_the_field_and_changes_nothing(client, cast, field, value):
    stockpile = StockpileFactory(owner_unit=cast.houzhen_unit, quantity=Decimal("100"))
    client.force_login(cast.houzhen)
    data = {"kind": "out", "quantity": "1", "occurred_on": today().isoformat(), "reason": "调用"}
    data[field] = value
    response = client.post(reverse("emergency:stockpile-move", args=[stockpile.pk]), data)
    assert response.status_code == 200
    assert field in response.context["move_form"].errors
    assert StockMovement.objects.count() == 1


def test_a_movement_dated_tomorrow_is_refused(client, cast):
    stockpile = StockpileFactory(owner_unit=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    response = move(client, stockpile, "in", "5", occurred_on=today() + datetime.timedelta(days=1))
    assert "occurred_on" in response.context["move_form"].errors
    assert stockpile.movements.count() == 1


def test_other_units_and_auditors_cannot_move_stock(client, cast):
    stockpile = StockpileFactory(owner_unit=cast.yingji_unit, quantity=Decimal("100"))
    for user in (cast.zhujian, cast.auditor):
        client.force_login(user)
        assert client.get(stockpile.get_absolute_url()).context["move_form"] is None
        assert move(client, stockpile, "out", "1").status_code == 403
    stockpile.refresh_from_db()
    assert stockpile.quantity == Decimal("100")


def test_movement_list_filters_by_stockpile_kind_and_dates(client, cast):
    jackets = StockpileFactory(name="救生衣", owner_unit=cast.houzhen_unit)
    tents = StockpileFactory(name="帐篷", owner_unit=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    move(client, jackets, "out", "5", occurred_on=today() - datetime.timedelta(days=10))
    move(client, tents, "loss", "2", reason="霉变报废")

    def rows(**params):
        response = client.get(MOVEMENTS, params)
        assert response.status_code == 200
        return {(m.stockpile.name, m.kind) for m in response.context["object_list"]}

    assert rows(stockpile=jackets.pk) == {("救生衣", "in"), ("救生衣", "out")}
    assert rows(kind="loss") == {("帐篷", "loss")}
    since = (today() - datetime.timedelta(days=5)).isoformat()
    assert rows(occurred_from=since, kind="out") == set()
    until = (today() - datetime.timedelta(days=5)).isoformat()
    assert rows(occurred_to=until) == {("救生衣", "out")}


def test_movement_list_costs_the_same_queries_for_10_and_1000_rows(client, cast):
    stockpile = StockpileFactory(owner_unit=cast.houzhen_unit, with_movement=False)
    client.force_login(cast.houzhen)

    def grow(n):
        missing = n - StockMovement.objects.count()
        StockMovement.objects.bulk_create(
            StockMovement(
                stockpile=stockpile,
                kind=MovementKind.IN,
                quantity=Decimal("1"),
                balance_after=Decimal("1"),
                occurred_on=today(),
                reason="入库",
                actor=cast.houzhen,
            )
            for _ in range(missing)
        )

    def fetch():
        response = client.get(MOVEMENTS, {"page_size": 50})
        assert response.status_code == 200
        assert len(response.context["object_list"]) == min(50, StockMovement.objects.count())

    assert_constant_queries(grow, fetch)


# --- the workbench --------------------------------------------------------------------------


def test_workbench_raises_the_units_low_or_expiring_stock_only(client, cast):
    StockpileFactory(
        name="救生衣", owner_unit=cast.houzhen_unit, quantity=Decimal("1"), minimum_quantity=5
    )
    StockpileFactory(
        name="急救包",
        owner_unit=cast.houzhen_unit,
        expires_on=today() + datetime.timedelta(days=7),
    )
    StockpileFactory(name="帐篷", owner_unit=cast.houzhen_unit)  # fine
    StockpileFactory(name="他人沙袋", owner_unit=cast.yingji_unit, quantity=Decimal("0"))
    client.force_login(cast.houzhen)
    body = client.get(reverse("workbench")).content.decode()
    assert 'data-testid="panel-stock-attention"' in body
    assert "救生衣" in body and "急救包" in body
    assert "帐篷" not in body and "他人沙袋" not in body
    client.force_login(cast.zhujian)
    assert (
        'data-testid="panel-stock-attention"'
        not in client.get(reverse("workbench")).content.decode()
    )
