from django.urls import path

from improvement.schools import views

app_name = "schools"

urlpatterns = [
    path("", views.school_list, name="list"),
    path("export.csv", views.school_export, name="export"),
    path("add/", views.school_create, name="create"),
    path("<str:urn>/", views.school_detail, name="detail"),
    path("<str:urn>/edit/", views.school_edit, name="edit"),
    path("<str:urn>/measures/add/", views.measure_edit, name="measure_create"),
    path("<str:urn>/measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
]
