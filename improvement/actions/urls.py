from django.urls import path

from improvement.actions import views

app_name = "actions"

urlpatterns = [
    path("actions/overdue/", views.overdue_actions, name="overdue"),
    path("schools/<str:urn>/actions/", views.school_actions, name="school"),
]
