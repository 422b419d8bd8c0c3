"""/hazards/ — the ledger, a hazard's page, recording and editing, and the action forms."""

from django.urls import path

from .views import actions, ledger

urlpatterns = [
    path("", ledger.HazardListView.as_view(), name="hazard-list"),
    path("new/", ledger.HazardCreateView.as_view(), name="hazard-create"),
    path("<int:pk>/", ledger.HazardDetailView.as_view(), name="hazard-detail"),
    path("<int:pk>/edit/", ledger.HazardUpdateView.as_view(), name="hazard-edit"),
    path("photos/<int:pk>/", ledger.HazardPhotoView.as_view(), name="hazard-photo"),
    path("<int:pk>/act/<slug:action>/", actions.HazardActionView.as_view(), name="hazard-action"),
]
