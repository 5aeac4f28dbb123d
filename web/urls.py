from django.urls import path

from . import views

app_name = "web"

# The downloads' names have a dot, which no slug has, so they never shadow a record's page.
urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organisation_search, name="organisation-list"),
    path("organisations/download.csv", views.organisation_search_csv, name="organisation-csv"),
    path("organisations/<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("consortia/", views.ConsortiumListView.as_view(), name="consortium-list"),
    path("consortia/<slug:slug>/", views.ConsortiumDetailView.as_view(), name="consortium-detail"),
    path("consortia/<slug:slug>/members.csv", views.consortium_members_csv, name="consortium-members-csv"),
    path(
        "consortia/<slug:slug>/past-members.csv",
        views.consortium_members_csv,
        {"past": True},
        name="consortium-past-members-csv",
    ),
    path("outputs/", views.OutputListView.as_view(), name="output-list"),
    path("outputs/download.csv", views.output_list_csv, name="output-csv"),
    path("outputs/<slug:slug>/", views.OutputDetailView.as_view(), name="output-detail"),
]
