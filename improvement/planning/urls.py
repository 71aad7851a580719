from django.urls import path

from improvement.planning import views

app_name = "planning"

urlpatterns = [
    path("allocations/", views.allocations, name="allocations"),
    path("schools/<str:urn>/", views.school_allocation, name="school_allocation"),
    path("handovers/<int:pk>/", views.handover, name="handover"),
    path("plan/", views.plan, name="plan"),
    path("plan/run/", views.plan_run, name="plan_run"),
    path("visits/<int:pk>/", views.planned_visit, name="visit"),
    path("visits/<int:pk>/status/", views.planned_visit_status, name="visit_status"),
    path("visits/<int:pk>/move/", views.planned_visit_move, name="visit_move"),
]
