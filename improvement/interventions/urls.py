from django.urls import path

from improvement.interventions import views

app_name = "interventions"

urlpatterns = [
    path("support/dashboard/", views.dashboard, name="dashboard"),
    path("schools/<str:urn>/support/", views.school_support, name="school_support"),
    path("schools/<str:urn>/support/open/", views.process_open, name="process_open"),
    path("schools/<str:urn>/support/decisions/new/", views.decision_create, name="decision_create"),
    path("processes/<int:pk>/", views.process_detail, name="process"),
    path("processes/<int:pk>/status/", views.process_status, name="process_status"),
    path("processes/<int:pk>/board/add/", views.board_member_add, name="board_member_add"),
    path("processes/<int:pk>/board/<int:member_pk>/remove/", views.board_member_remove, name="board_member_remove"),
    path("processes/<int:pk>/meetings/new/", views.meeting_schedule, name="meeting_schedule"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/move/", views.meeting_reschedule, name="meeting_reschedule"),
    path("meetings/<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("meetings/<int:pk>/minutes/autosave/", views.minutes_autosave, name="minutes_autosave"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/outcome/", views.meeting_outcome, name="meeting_outcome"),
    path("meetings/<int:pk>/steps/<slug:step>/", views.meeting_step, name="meeting_step"),
    path("meetings/<int:pk>/pack/send/", views.pack_send, name="pack_send"),
    path("meetings/<int:pk>/pack/<int:pack_pk>/", views.pack_download, name="pack_download"),
]
