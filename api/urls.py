"""The REST API under /api/v1/: a router of viewsets, the schema, its docs and token exchange."""

from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.APIRootView = views.APIRootView  # "API root" in the browsable API, not "Api Root"
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("consortia", views.ConsortiumViewSet, basename="consortium")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("outputs", views.OutputViewSet, basename="output")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("regions", views.RegionViewSet, basename="region")
router.register("relationships", views.RelationshipViewSet, basename="relationship")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("token/", views.ObtainToken.as_view(), name="token"),
    *router.urls,
    re_path(r"^.*$", views.not_found),
]
