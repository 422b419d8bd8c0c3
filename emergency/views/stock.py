"""物资储备 pages: the stockpile list with low and expiring stock flagged, one stockpile with
its movements ledger and the movement form, recording and editing a stockpile, and the list
of all movements."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from portal.permissions import user_scope
from portal.views import PortalCreateView, PortalDetailView, PortalListView, PortalUpdateView

from .. import selectors
from ..filters import StockMovementFilterSet, StockpileFilterSet
from ..forms_resources import StockMoveForm, StockpileCreateForm, StockpileForm
from ..models import StockMovement, Stockpile
from .teams import field_rows

LEDGER_SHOWN = 50


def _plain(number: Decimal) -> str:
    """40.00 → 40, 2.50 → 2.5."""
    return f"{number.normalize():f}"


class StockpileListView(PortalListView):
    """/emergency/stockpiles/ — every unit's reserves (pooled: anyone may see what is where)."""

    model = Stockpile
    filterset_class = StockpileFilterSet
    template_name = "emergency/stock/stockpile_list.html"
    rows_template_name = "emergency/stock/stockpile_rows.html"
    create_url_name = "emergency:stockpile-create"
    export_name = "emergency-stockpiles"

    def get_queryset(self):
        return selectors.stockpile_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows_template"] = self.rows_template_name
        return ctx


class StockpileDetailView(PortalDetailView):
    """One stockpile: its fields, the ledger of movements that explains its quantity, and the
    入库/出库/损耗 form for those who may change it."""

    model = Stockpile
    template_name = "emergency/stock/stockpile_detail.html"
    edit_url_name = "emergency:stockpile-edit"
    fields = field_rows(
        Stockpile,
        [
            "category",
            "specification",
            "quantity",
            "minimum_quantity",
            "measure_unit",
            "owner_unit",
            "township",
            "place",
            "custodian",
            "custodian_phone",
            "expires_on",
            "note",
        ],
    )

    def get_object(self, queryset=None):
        return selectors.stockpile_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, move_form=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        movements = list(
            selectors.stockpile_movements(user=self.request.user, stockpile=self.object)[
                : LEDGER_SHOWN + 1
            ]
        )
        may_move = ctx["can_change"]
        ctx.update(
            movements=movements[:LEDGER_SHOWN],
            more_movements=len(movements) > LEDGER_SHOWN,
            move_form=(move_form or StockMoveForm()) if may_move else None,
        )
        return ctx


class StockMoveView(StockpileDetailView):
    """POST /emergency/stockpiles/<pk>/move/ — one movement through ``stock_move``; an error
    shows on the stockpile's page with the form, and nothing changes."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if user_scope(request.user).read_only:
            raise PermissionDenied(_("只读账号不能修改。"))
        from ..services import stock_move

        self.object = self.get_object()
        form = StockMoveForm(request.POST)
        if form.is_valid():
            try:
                movement = stock_move(
                    actor=request.user, stockpile=self.object, **form.cleaned_data
                )
            except ValidationError as exc:
                errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
                for field, field_errors in errors.items():
                    for error in field_errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request,
                    _("已登记%(kind)s %(quantity)s%(unit)s，结存 %(balance)s%(unit)s。")
                    % {
                        "kind": movement.get_kind_display(),
                        "quantity": _plain(movement.quantity),
                        "balance": _plain(movement.balance_after),
                        "unit": self.object.measure_unit,
                    },
                )
                return redirect(self.object.get_absolute_url())
        self.object = self.get_object()  # the quantity as it stands, unchanged
        return self.render_to_response(self.get_context_data(object=self.object, move_form=form))


class StockpileFormMixin:
    model = Stockpile
    form_class = StockpileForm
    success_message = _("储备物资已保存。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class StockpileCreateView(StockpileFormMixin, PortalCreateView):
    form_class = StockpileCreateForm

    def perform(self, form):
        from ..services import stockpile_save

        return stockpile_save(
            actor=self.request.user,
            initial_quantity=form.cleaned_data["initial_quantity"],
            **form.service_fields(),
        )


class StockpileUpdateView(StockpileFormMixin, PortalUpdateView):
    def perform(self, form):
        from ..services import stockpile_save

        return stockpile_save(
            actor=self.request.user, instance=self.object, **form.service_fields()
        )


class StockMovementListView(PortalListView):
    """/emergency/stockpiles/movements/ — every movement, filtered by stockpile, kind and date."""

    model = StockMovement
    filterset_class = StockMovementFilterSet
    rows_template_name = "emergency/stock/movement_rows.html"
    export_name = "emergency-movements"

    def get_queryset(self):
        return selectors.movement_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows_template"] = self.rows_template_name
        return ctx
