"""Filled in by its owner; see hazards/urls.py."""

urlpatterns = []
