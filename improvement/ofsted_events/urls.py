from django.urls import path

from improvement.ofsted_events import views

app_name = "ofsted_events"

SCHOOL = "schools/<str:urn>/ofsted/"

urlpatterns = [
    path(SCHOOL, views.school_events, name="school"),
    path(f"{SCHOOL}notifications/add/", views.notification_create, name="notification_create"),
    path(f"{SCHOOL}notifications/<int:pk>/", views.notification_detail, name="notification_detail"),
    path(f"{SCHOOL}notifications/<int:pk>/edit/", views.notification_edit, name="notification_edit"),
    path(f"{SCHOOL}feedback/add/", views.feedback_create, name="feedback_create"),
    path(f"{SCHOOL}feedback/<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path(f"{SCHOOL}feedback/<int:pk>/edit/", views.feedback_edit, name="feedback_edit"),
    path(f"{SCHOOL}feedback/<int:pk>/confirm-published/", views.feedback_confirm, name="feedback_confirm"),
    path(f"{SCHOOL}hmi-visits/add/", views.monitoring_create, name="monitoring_create"),
    path(f"{SCHOOL}hmi-visits/<int:pk>/", views.monitoring_detail, name="monitoring_detail"),
    path(f"{SCHOOL}hmi-visits/<int:pk>/edit/", views.monitoring_edit, name="monitoring_edit"),
    path(f"{SCHOOL}subject/add/", views.subject_create, name="subject_create"),
    path(f"{SCHOOL}subject/<int:pk>/", views.subject_detail, name="subject_detail"),
    path(f"{SCHOOL}subject/<int:pk>/edit/", views.subject_edit, name="subject_edit"),
    path("ofsted/calibration/", views.calibration, name="calibration"),
]
