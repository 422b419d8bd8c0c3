"""/emergency/plans/ — 应急预案 (see emergency/urls.py for the namespace)."""

from django.urls import path

from .views import plans

urlpatterns = [
    path("", plans.PlanListView.as_view(), name="plan-list"),
    path("new/", plans.PlanCreateView.as_view(), name="plan-create"),
    path("<int:pk>/", plans.PlanDetailView.as_view(), name="plan-detail"),
    path("<int:pk>/edit/", plans.PlanUpdateView.as_view(), name="plan-edit"),
    path("<int:pk>/revise/", plans.PlanReviseView.as_view(), name="plan-revise"),
    path("<int:pk>/evaluate/", plans.PlanEvaluateView.as_view(), name="plan-evaluate"),
    path("<int:pk>/withdraw/", plans.PlanWithdrawView.as_view(), name="plan-withdraw"),
    path("<int:pk>/file/", plans.PlanFileView.as_view(), name="plan-file"),
]
