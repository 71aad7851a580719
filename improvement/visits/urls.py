from django.urls import path

from improvement.visits import views

app_name = "visits"

urlpatterns = [
    path("visits/", views.visit_list, name="list"),
    path("visits/<int:pk>/", views.visit_detail, name="detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="edit"),
    path("visits/<int:pk>/autosave/", views.visit_autosave, name="autosave"),
    path("visits/<int:pk>/steps/<slug:step>/", views.visit_step, name="step"),
    path("visits/<int:pk>/amend/", views.visit_amend, name="amend"),
    path("visits/<int:pk>/share-with-chair/", views.visit_share_with_chair, name="share_with_chair"),
    path("visits/<int:pk>/record.<str:fmt>", views.visit_download, name="download"),
    path("schools/<str:urn>/visits/", views.school_visits, name="school_visits"),
    path("schools/<str:urn>/visits/new/", views.visit_create, name="create"),
    path("good-practice/", views.good_practice, name="good_practice"),
]
