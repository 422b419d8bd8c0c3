"""Placeholder: filled by its owner."""

urlpatterns = []
