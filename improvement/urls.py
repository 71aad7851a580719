from django.urls import include, path

from improvement.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("improvement.accounts.urls")),
    path("schools/", include("improvement.schools.urls")),
    path("schools/", include("improvement.inspections.urls")),
    path("", include("improvement.visits.urls")),
    path("", include("improvement.actions.urls")),
    path("concerns/", include("improvement.concerns.urls")),
    path("imports/", include("improvement.imports.urls")),
    path("", include("improvement.decisions.urls")),
    path("", include("improvement.interventions.urls")),
    path("planning/", include("improvement.planning.urls")),
    path("networks/", include("improvement.networks.urls")),
    path("", include("improvement.ofsted_events.urls")),
    path("", include("improvement.documents.urls")),
]

handler403 = "improvement.core.views.permission_denied"
handler404 = "improvement.core.views.page_not_found"
handler500 = "improvement.core.views.server_error"
