from django.urls import path

from improvement.documents import views

app_name = "documents"

urlpatterns = [
    path("schools/<str:urn>/documents/", views.document_list, name="list"),
    path("documents/<int:pk>/download/", views.document_download, name="download"),
    path("documents/<int:pk>/withdraw/", views.document_withdraw, name="withdraw"),
]
