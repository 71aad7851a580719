from django.urls import path

from improvement.concerns import views

app_name = "concerns"

urlpatterns = [
    path("", views.concern_queue, name="queue"),
    path("<int:pk>/", views.concern_detail, name="detail"),
]
