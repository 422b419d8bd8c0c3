from django.urls import path

from .views import imports as views

urlpatterns = [
    path("", views.DirectiveUploadView.as_view(), name="import"),
    path("<slug:token>/", views.DirectivePreviewView.as_view(), name="import-preview"),
    path("<slug:token>/commit/", views.DirectiveCommitView.as_view(), name="import-commit"),
]
