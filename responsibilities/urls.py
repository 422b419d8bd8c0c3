from django.urls import include, path

app_name = "responsibilities"

urlpatterns = [
    path("units/", include("responsibilities.unit_urls")),
    path("enterprises/", include("responsibilities.enterprise_urls")),
    path("accounts/users/", include("responsibilities.account_admin_urls")),
]
