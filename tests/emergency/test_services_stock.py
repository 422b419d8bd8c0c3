"""Stock through its movements: every change of quantity is a movement with a reason, the
movements always add up to the quantity, a balance never goes below zero (the service refuses,
and so does the database), and falling below the minimum tells the owner unit and the office."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, DecimalField, F, Sum, When

from emergency import services
from emergency.choices import MovementKind
from emergency.models import StockMovement, Stockpile
from portal.notifications.models import Notification
from tests.emergency.factories import StockpileFactory

TODAY = datetime.date.today()


def new_stockpile(cast, initial=Decimal("50"), **fields) -> Stockpile:
    values = {
        "name": "救生衣",
        "category": "lifesaving",
        "measure_unit": "件",
        "minimum_quantity": Decimal("20"),
        "place": "市应急物资储备库",
        "owner_unit": cast.zhujian_unit,
        "custodian": "赵六",
    }
    values.update(fields)
    return services.stockpile_save(actor=cast.zhujian, initial_quantity=initial, **values)


def move(cast, stockpile, kind, quantity, actor=None, **fields):
    values = {"occurred_on": TODAY, "reason": "汛期调拨"}
    values.update(fields)
    return services.stock_move(
        actor=actor or cast.zhujian, stockpile=stockpile, kind=kind, quantity=quantity, **values
    )


def signed_sum(stockpile) -> Decimal:
    signed = Case(
        When(kind=MovementKind.IN, then=F("quantity")),
        default=-F("quantity"),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    return stockpile.movements.aggregate(total=Sum(signed))["total"] or Decimal("0")


def refreshed(stockpile) -> Stockpile:
    return Stockpile.objects.get(pk=stockpile.pk)


# --- the balance is explained -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_stockpiles_initial_quantity_is_an_initial_movement(cast):
    stockpile = new_stockpile(cast)

    movement = stockpile.movements.get()
    assert (movement.kind, movement.quantity, movement.balance_after, movement.reason) == (
        MovementKind.IN,
        Decimal("50"),
        Decimal("50"),
        "初始入库",
    )
    assert refreshed(stockpile).quantity == Decimal("50")


@pytest.mark.django_db
def test_the_movements_always_add_up_to_the_quantity(cast):
    stockpile = new_stockpile(cast)
    move(cast, stockpile, "out", "12")
    move(cast, stockpile, "in", "30.5")
    move(cast, stockpile, "loss", Decimal("3.25"), reason="霉变报废")

    stockpile = refreshed(stockpile)
    assert stockpile.quantity == Decimal("65.25") == signed_sum(stockpile)
    assert [m.balance_after for m in stockpile.movements.order_by("pk")] == [
        Decimal("50"),
        Decimal("38"),
        Decimal("68.5"),
        Decimal("65.25"),
    ]


@pytest.mark.django_db
def test_a_stockpile_without_initial_quantity_has_no_movement(cast):
    stockpile = new_stockpile(cast, initial=0)
    assert (refreshed(stockpile).quantity, stockpile.movements.count()) == (0, 0)


@pytest.mark.django_db
def test_editing_a_stockpile_never_touches_its_quantity(cast):
    stockpile = new_stockpile(cast)
    services.stockpile_save(actor=cast.zhujian, instance=stockpile, place="侯镇储备点")
    with pytest.raises(ValidationError) as exc:
        services.stockpile_save(actor=cast.zhujian, instance=stockpile, quantity=Decimal("999"))
    assert "quantity" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.stockpile_save(actor=cast.zhujian, instance=stockpile, initial_quantity=5)
    assert "initial_quantity" in exc.value.message_dict

    stockpile = refreshed(stockpile)
    assert (stockpile.place, stockpile.quantity, stockpile.movements.count()) == (
        "侯镇储备点",
        Decimal("50"),
        1,
    )


# --- never below zero ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_taking_out_more_than_is_held_is_refused_and_nothing_changes(cast):
    stockpile = new_stockpile(cast, initial=Decimal("5"))
    with pytest.raises(ValidationError) as exc:
        move(cast, stockpile, "out", "6")

    assert exc.value.message_dict["quantity"] == ["出库后库存不能为负：现有 5件"]
    stockpile = refreshed(stockpile)
    assert (stockpile.quantity, stockpile.movements.count()) == (Decimal("5"), 1)


@pytest.mark.django_db
def test_taking_out_exactly_what_is_held_leaves_zero(cast):
    stockpile = new_stockpile(cast, initial=Decimal("5"))
    movement = move(cast, stockpile, "loss", "5")
    assert movement.balance_after == refreshed(stockpile).quantity == 0


@pytest.mark.django_db
def test_the_database_refuses_a_negative_quantity_written_directly(cast):
    stockpile = new_stockpile(cast, initial=Decimal("5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Stockpile.objects.filter(pk=stockpile.pk).update(quantity=Decimal("-1"))
    assert refreshed(stockpile).quantity == Decimal("5")


@pytest.mark.django_db
def test_the_database_refuses_a_movement_of_nothing_or_a_negative_balance(cast):
    stockpile = new_stockpile(cast, initial=Decimal("5"))
    row = {"stockpile": stockpile, "kind": "out", "occurred_on": TODAY, "reason": "x"}
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(quantity=0, balance_after=5, **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(quantity=6, balance_after=-1, **row)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "quantity", "field"),
    [
        ("out", "0", "quantity"),
        ("out", "-3", "quantity"),
        ("out", "三箱", "quantity"),
        ("out", "1.005", "quantity"),
        ("in", "1e12", "quantity"),
        ("in", "NaN", "quantity"),
        ("borrow", "1", "kind"),
    ],
)
def test_bad_movements_are_refused_by_field(cast, kind, quantity, field):
    stockpile = new_stockpile(cast)
    with pytest.raises(ValidationError) as exc:
        move(cast, stockpile, kind, quantity)
    assert field in exc.value.message_dict
    assert refreshed(stockpile).quantity == Decimal("50")


@pytest.mark.django_db
def test_a_movement_needs_a_reason_and_a_date_not_in_the_future(cast):
    stockpile = new_stockpile(cast)
    with pytest.raises(ValidationError) as exc:
        move(cast, stockpile, "in", "1", reason=" ", occurred_on=TODAY + datetime.timedelta(1))
    assert {"reason", "occurred_on"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        move(cast, stockpile, "in", "1", occurred_on="昨天")
    assert "occurred_on" in exc.value.message_dict


@pytest.mark.django_db
def test_a_negative_initial_quantity_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        new_stockpile(cast, initial="-1")
    assert "initial_quantity" in exc.value.message_dict
    assert not Stockpile.objects.exists()


# --- the minimum --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_falling_below_the_minimum_tells_the_owner_unit_and_the_office_once(cast):
    stockpile = new_stockpile(cast)  # 50, minimum 20
    move(cast, stockpile, "out", "30")  # 20: at the minimum, not below
    assert not Notification.objects.filter(category="emergency").exists()

    move(cast, stockpile, "out", "1")  # 19: below
    told = set(
        Notification.objects.filter(category="emergency").values_list("recipient", flat=True)
    )
    assert {cast.zhujian.pk, cast.zhujian_lead.pk, cast.office.pk} <= told
    assert cast.yingji.pk not in told

    move(cast, stockpile, "out", "1")  # still below: no second message
    assert Notification.objects.filter(category="emergency", recipient=cast.office).count() == 1


# --- scope --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_another_unit_cannot_move_or_edit_the_stock(cast):
    stockpile = new_stockpile(cast)
    with pytest.raises(PermissionDenied):
        move(cast, stockpile, "out", "1", actor=cast.yingji)
    with pytest.raises(PermissionDenied):
        services.stockpile_save(actor=cast.yingji, instance=stockpile, place="别处")
    assert refreshed(stockpile).quantity == Decimal("50")


@pytest.mark.django_db
def test_auditors_never_move_stock(cast):
    stockpile = new_stockpile(cast)
    with pytest.raises(PermissionDenied):
        move(cast, stockpile, "in", "1", actor=cast.auditor)


@pytest.mark.django_db
def test_a_unit_cannot_create_stock_for_another_unit(cast):
    with pytest.raises(PermissionDenied):
        new_stockpile(cast, owner_unit=cast.yingji_unit)
    assert not Stockpile.objects.exists()


@pytest.mark.django_db
def test_the_township_moves_stock_held_in_its_territory(cast):
    stockpile = StockpileFactory(owner_unit=cast.yingji_unit, township=cast.houzhen_unit)
    move(cast, stockpile, "out", "10", actor=cast.houzhen)
    assert refreshed(stockpile).quantity == Decimal("90")


# --- concurrency (PostgreSQL) -------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_outs_at_once_cannot_overdraw_the_stock(cast):
    stockpile = new_stockpile(cast, initial=Decimal("100"))
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list = []

    def take() -> None:
        try:
            barrier.wait()
            move(cast, stockpile, "out", "60")
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.message_dict["quantity"][0])
        except BaseException as exc:  # reported in the test thread
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(map(str, outcomes)) == ["ok", "出库后库存不能为负：现有 40件"]
    stockpile = refreshed(stockpile)
    assert stockpile.quantity == Decimal("40") == signed_sum(stockpile)
    assert stockpile.movements.count() == 2
