from django.urls import path
from django.views.generic import TemplateView

app_name = "web"

# Placeholder pages; the member-facing directory (issue 5) replaces these views.
urlpatterns = [
    path("", TemplateView.as_view(template_name="web/placeholder.html"), name="home"),
    path("organisations/", TemplateView.as_view(template_name="web/placeholder.html"), name="organisation-list"),
    path("organisations/<slug:slug>/", TemplateView.as_view(template_name="web/placeholder.html"), name="organisation-detail"),
    path("consortia/", TemplateView.as_view(template_name="web/placeholder.html"), name="consortium-list"),
    path("consortia/<slug:slug>/", TemplateView.as_view(template_name="web/placeholder.html"), name="consortium-detail"),
    path("outputs/", TemplateView.as_view(template_name="web/placeholder.html"), name="output-list"),
    path("outputs/<slug:slug>/", TemplateView.as_view(template_name="web/placeholder.html"), name="output-detail"),
]
