"""/reports/bulletins/ — 月度通报 (see portal/reports/urls.py for the namespace)."""

from django.urls import path

from . import views_bulletins as views

urlpatterns = [
    path("", views.BulletinListView.as_view(), name="bulletin-list"),
    path("<int:year>-<int:month>/", views.BulletinMonthView.as_view(), name="bulletin-month"),
    path("<int:year>-<int:month>/docx/", views.BulletinDocxView.as_view(), name="bulletin-docx"),
    path("<int:year>-<int:month>/issue/", views.BulletinIssueView.as_view(), name="bulletin-issue"),
    path("issued/<int:pk>/", views.BulletinIssuedView.as_view(), name="bulletin-issued"),
    path(
        "issued/<int:pk>/docx/",
        views.BulletinIssuedDocxView.as_view(),
        name="bulletin-issued-docx",
    ),
]
