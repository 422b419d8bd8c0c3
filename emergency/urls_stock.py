"""/emergency/stockpiles/ — 物资储备 and its 出入库记录."""

from django.urls import path

from .views import stock

urlpatterns = [
    path("", stock.StockpileListView.as_view(), name="stockpile-list"),
    path("new/", stock.StockpileCreateView.as_view(), name="stockpile-create"),
    path("movements/", stock.StockMovementListView.as_view(), name="movement-list"),
    path("<int:pk>/", stock.StockpileDetailView.as_view(), name="stockpile-detail"),
    path("<int:pk>/edit/", stock.StockpileUpdateView.as_view(), name="stockpile-edit"),
    path("<int:pk>/move/", stock.StockMoveView.as_view(), name="stockpile-move"),
]
