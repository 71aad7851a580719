from django.urls import path

from improvement.inspections import views

app_name = "inspections"

urlpatterns = [
    path("<str:urn>/inspections/add/", views.inspection_create, name="create"),
    path("<str:urn>/inspections/<int:pk>/edit/", views.inspection_edit, name="edit"),
]
