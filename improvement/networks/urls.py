from django.urls import path

from improvement.networks import views

app_name = "networks"

urlpatterns = [
    path("", views.network_list, name="list"),
    path("<int:pk>/", views.network_detail, name="detail"),
    path("<int:pk>/schools/<str:urn>/focus/add/", views.focus_add, name="focus_add"),
    path("<int:pk>/focus/<int:addition_pk>/remove/", views.focus_remove, name="focus_remove"),
    path("<int:pk>/schools/<str:urn>/support/add/", views.support_add, name="support_add"),
    path("<int:pk>/support/<int:offer_pk>/", views.support_change, name="support_change"),
    path("<int:pk>/schools/<str:urn>/funding/", views.funding, name="funding"),
]
