"""Placeholder: filled by its owner (/public/, no login; namespace ``public``)."""

app_name = "public"
urlpatterns = []
