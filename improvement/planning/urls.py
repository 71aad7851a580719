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
    path("visits/<int:pk>/visit.ics", views.planned_visit_ics, name="visit_ics"),
    path("diary/", views.diary, name="diary"),
    path("diary/feed/", views.diary_feed, name="diary_feed"),
    path("diary/feed/revoke/", views.diary_feed_revoke, name="diary_feed_revoke"),
    path("feeds/<str:token>/visits.ics", views.feed, name="feed"),
    path("plan/export.<str:fmt>", views.plan_export, name="plan_export"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/export.<str:fmt>", views.coverage_export, name="coverage_export"),
    path("officers/<int:pk>/capacity/", views.officer_capacity, name="officer_capacity"),
    path("reminders/", views.reminder_preference, name="reminders"),
    path("schools/<str:urn>/time/", views.school_time, name="school_time"),
    path("time/", views.time_summary, name="time"),
    path("time/export.<str:fmt>", views.time_export, name="time_export"),
    path("rates/", views.daily_rates, name="rates"),
]
