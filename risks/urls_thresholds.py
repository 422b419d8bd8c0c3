"""/risks/thresholds/ — 风险等级阈值: read by all, adjusted by the office."""

from django.urls import path

from .views import thresholds

urlpatterns = [
    path("", thresholds.ThresholdListView.as_view(), name="threshold-list"),
    path("<int:pk>/edit/", thresholds.ThresholdUpdateView.as_view(), name="threshold-edit"),
]
