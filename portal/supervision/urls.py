from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.NoticeListView.as_view(), name="notice-list"),
    path("<int:pk>/", views.NoticeDetailView.as_view(), name="notice-detail"),
    path("<int:pk>/reply/", views.NoticeReplyView.as_view(), name="notice-reply"),
    path("<int:pk>/close/", views.NoticeCloseView.as_view(), name="notice-close"),
    path("<int:pk>/print/", views.NoticePrintView.as_view(), name="notice-print"),
    path("<int:pk>/docx/", views.NoticeDocxView.as_view(), name="notice-docx"),
]
