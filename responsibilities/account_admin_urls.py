"""账号管理 at /accounts/users/, for the office and admins (namespace "responsibilities")."""

from django.urls import path

from .views import accounts as views

urlpatterns = [
    path("", views.AccountListView.as_view(), name="account-list"),
    path("new/", views.AccountCreateView.as_view(), name="account-create"),
    path("import/", views.AccountImportView.as_view(), name="account-import"),
    path(
        "import/confirm/", views.AccountImportConfirmView.as_view(), name="account-import-confirm"
    ),
    path(
        "import/template.xlsx",
        views.AccountImportTemplateView.as_view(),
        name="account-import-template",
    ),
    path("<int:pk>/", views.AccountDetailView.as_view(), name="account-detail"),
    path("<int:pk>/edit/", views.AccountUpdateView.as_view(), name="account-edit"),
    path("<int:pk>/deactivate/", views.AccountDeactivateView.as_view(), name="account-deactivate"),
    path("<int:pk>/reactivate/", views.AccountReactivateView.as_view(), name="account-reactivate"),
    path(
        "<int:pk>/reset-password/",
        views.AccountResetPasswordView.as_view(),
        name="account-reset-password",
    ),
    path(
        "<int:pk>/memberships/",
        views.AccountMembershipAddView.as_view(),
        name="account-membership-add",
    ),
    path(
        "<int:pk>/memberships/<int:membership_pk>/remove/",
        views.AccountMembershipRemoveView.as_view(),
        name="account-membership-remove",
    ),
    path("<int:pk>/handover/", views.AccountHandoverView.as_view(), name="account-handover"),
]
