"""/risks/white-papers/ — 风险白皮书: the editions, publishing one, and each edition on screen,
as an A4 print page and as a Word file."""

from django.urls import path

from . import views_whitepaper as views

urlpatterns = [
    path("", views.WhitePaperListView.as_view(), name="whitepaper-list"),
    path("new/", views.WhitePaperCreateView.as_view(), name="whitepaper-create"),
    path("<int:pk>/", views.WhitePaperDetailView.as_view(), name="whitepaper-detail"),
    path("<int:pk>/print/", views.WhitePaperPrintView.as_view(), name="whitepaper-print"),
    path("<int:pk>/docx/", views.WhitePaperDocxView.as_view(), name="whitepaper-docx"),
]
