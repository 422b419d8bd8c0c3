from django.urls import path

from .views import ledger as views

urlpatterns = [
    path("", views.DirectiveListView.as_view(), name="directive-list"),
    path("directives/<int:pk>/", views.DirectiveDetailView.as_view(), name="directive-detail"),
    path("list/", views.TaskListView.as_view(), name="task-list"),
    path("<int:pk>/", views.TaskDetailView.as_view(), name="task-detail"),
]
