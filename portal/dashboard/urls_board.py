"""/dashboard/ — the office dashboard (综合看板); see portal/dashboard/urls.py for the namespace."""

from django.urls import path

from .views import DashboardView

urlpatterns = [
    path("", DashboardView.as_view(), name="index"),
]
