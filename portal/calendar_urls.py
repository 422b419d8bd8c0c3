from django.urls import path

from . import calendar_views as views

app_name = "calendar"

urlpatterns = [
    path("", views.CalendarYearView.as_view(), name="year"),
    path("<int:year>/", views.CalendarYearView.as_view(), name="year"),
    path("days/new/", views.WorkdayOverrideFormView.as_view(), name="override-create"),
    path("days/<int:pk>/edit/", views.WorkdayOverrideFormView.as_view(), name="override-edit"),
    path(
        "days/<int:pk>/delete/", views.WorkdayOverrideDeleteView.as_view(), name="override-delete"
    ),
    path("bulk/", views.WorkdayScheduleBulkView.as_view(), name="schedule-bulk"),
]
