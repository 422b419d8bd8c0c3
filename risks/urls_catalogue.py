"""/risks/catalogue/ — the central-city industry catalogue and the office's project screenings."""

from django.urls import path

from . import views_catalogue as views

urlpatterns = [
    path("", views.CatalogueView.as_view(), name="catalogue"),
    path("screening/", views.ScreeningCreateView.as_view(), name="screening-create"),
    path("screening/<int:pk>/", views.ScreeningDetailView.as_view(), name="screening-detail"),
    path(
        "screening/<int:pk>/points.json",
        views.ScreeningPointsView.as_view(),
        name="screening-points",
    ),
    path("screenings/", views.ScreeningListView.as_view(), name="screening-list"),
]
