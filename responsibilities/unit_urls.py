from django.urls import path

from .views import units as views

urlpatterns = [
    path("", views.OrgUnitListView.as_view(), name="unit-list"),
    path("new/", views.OrgUnitCreateView.as_view(), name="unit-create"),
    path("<int:pk>/", views.OrgUnitDetailView.as_view(), name="unit-detail"),
    path("<int:pk>/edit/", views.OrgUnitUpdateView.as_view(), name="unit-edit"),
    path("<int:pk>/members/", views.MembershipAddView.as_view(), name="membership-add"),
    path(
        "<int:pk>/members/<int:membership_pk>/remove/",
        views.MembershipRemoveView.as_view(),
        name="membership-remove",
    ),
    path("grids/", views.GridListView.as_view(), name="grid-list"),
    path("grids/new/", views.GridCreateView.as_view(), name="grid-create"),
    path("grids/<int:pk>/", views.GridDetailView.as_view(), name="grid-detail"),
    path("grids/<int:pk>/edit/", views.GridUpdateView.as_view(), name="grid-edit"),
    path("grids/<int:pk>/officers/", views.GridOfficerAddView.as_view(), name="gridofficer-add"),
    path(
        "grids/officers/<int:pk>/remove/",
        views.GridOfficerRemoveView.as_view(),
        name="gridofficer-remove",
    ),
    path("duties/", views.DutyListView.as_view(), name="duty-list"),
    path(
        "duties/<int:industry_pk>/<str:kind>/",
        views.DutyEditView.as_view(),
        name="duty-edit",
    ),
]
