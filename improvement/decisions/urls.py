from django.urls import path

from improvement.decisions import views

app_name = "decisions"

urlpatterns = [
    path("schools/<str:urn>/decisions/<str:key>/override/", views.override_create, name="override_create"),
    path("schools/<str:urn>/overrides/<int:pk>/revoke/", views.override_revoke, name="override_revoke"),
    path("schools/<str:urn>/flags/", views.flags, name="flags"),
    path("schools/<str:urn>/flags/<int:pk>/clear/", views.flag_clear, name="flag_clear"),
    path("schools/<str:urn>/categorisation/", views.categorisation, name="categorisation"),
    path("schools/<str:urn>/additional-visits/add/", views.additional_visits_create,
         name="additional_visits_create"),
    path("schools/<str:urn>/additional-visits/<int:pk>/withdraw/", views.additional_visits_withdraw,
         name="additional_visits_withdraw"),
    path("policy-packs/", views.packs, name="packs"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/export.csv", views.portfolio_export, name="portfolio_export"),
    path("portfolio/early-warning/", views.early_warning, name="early_warning"),
]
