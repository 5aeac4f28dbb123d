from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organisation_search, name="organisation-list"),
    path("organisations/<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("consortia/", views.ConsortiumListView.as_view(), name="consortium-list"),
    path("consortia/<slug:slug>/", views.ConsortiumDetailView.as_view(), name="consortium-detail"),
    path("outputs/", views.OutputListView.as_view(), name="output-list"),
    path("outputs/<slug:slug>/", views.OutputDetailView.as_view(), name="output-detail"),
]
