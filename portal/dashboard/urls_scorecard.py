"""/dashboard/scorecard/ — 考核 (see portal/dashboard/urls.py for the namespace)."""

from django.urls import path

from . import views_scorecard as views

urlpatterns = [
    path("", views.ScorecardView.as_view(), name="scorecard"),
    path("<int:unit_pk>/", views.ScorecardUnitView.as_view(), name="scorecard-unit"),
    path("weights/", views.ScorecardWeightsView.as_view(), name="scorecard-weights"),
    path("publish/", views.ScorecardPublishView.as_view(), name="scorecard-publish"),
    path("export/", views.ScorecardExportView.as_view(), name="scorecard-export"),
    path("editions/", views.ScorecardEditionListView.as_view(), name="scorecard-editions"),
    path("editions/<int:pk>/", views.ScorecardEditionView.as_view(), name="scorecard-edition"),
]
