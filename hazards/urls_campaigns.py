"""/hazards/campaigns/ — 排查行动."""

from django.urls import path

from .views import campaigns

urlpatterns = [
    path("", campaigns.CampaignListView.as_view(), name="campaign-list"),
    path("new/", campaigns.CampaignCreateView.as_view(), name="campaign-create"),
    path("<int:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign-detail"),
    path("<int:pk>/edit/", campaigns.CampaignUpdateView.as_view(), name="campaign-edit"),
]
