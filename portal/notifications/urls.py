from django.urls import path

from .views import (
    DeliveryListView,
    DeliveryRetryView,
    NotificationListView,
    NotificationMarkAllReadView,
    NotificationMarkReadView,
    NotificationPreferenceView,
)

app_name = "notifications"
urlpatterns = [
    path("", NotificationListView.as_view(), name="list"),
    path("<int:pk>/read/", NotificationMarkReadView.as_view(), name="mark-read"),
    path("read-all/", NotificationMarkAllReadView.as_view(), name="mark-all-read"),
    path("preferences/", NotificationPreferenceView.as_view(), name="preferences"),
    path("deliveries/", DeliveryListView.as_view(), name="deliveries"),
    path("deliveries/<int:pk>/retry/", DeliveryRetryView.as_view(), name="delivery-retry"),
]
