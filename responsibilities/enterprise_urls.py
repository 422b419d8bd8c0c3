from django.urls import path

from .views import enterprises as views

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise-list"),
    path("new/", views.EnterpriseCreateView.as_view(), name="enterprise-create"),
    path("import/", views.EnterpriseImportView.as_view(), name="enterprise-import"),
    path(
        "import/template/",
        views.EnterpriseImportTemplateView.as_view(),
        name="enterprise-import-template",
    ),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise-detail"),
    path("<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="enterprise-edit"),
    path("<int:pk>/share/", views.EnterpriseShareView.as_view(), name="enterprise-share"),
]
