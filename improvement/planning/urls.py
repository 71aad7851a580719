from django.urls import path

from improvement.planning import views

app_name = "planning"

urlpatterns = [
    path("allocations/", views.allocations, name="allocations"),
    path("schools/<str:urn>/", views.school_allocation, name="school_allocation"),
    path("handovers/<int:pk>/", views.handover, name="handover"),
]
