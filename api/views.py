"""The API's viewsets: thin, with visibility and prefetching in get_queryset.

Every queryset starts from what the caller may see (`visible_to(user)`), and
nested lists are prefetched already narrowed (`Prefetch(..., to_attr=...)`),
so a private contact or a hidden organisation never reaches a serializer
for an anonymous caller. The number of queries per page does not depend on
the number of rows (tests pin it).

Every view here (`APIConventions` below) answers the same way when something is
wrong: a query parameter the address does not take is a 400 naming it and
listing those it does; an empty or repeated `format` is a 400 and an unknown
one a 406 listing the formats; and every error is JSON, whatever format was
asked for (CSV, the schema's YAML, the docs' HTML), except in the browsable
API, which shows the same JSON in a page. Errors raised outside DRF (no
route, a fault, the database down) are config/errors.py's.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, ProtectedError, RestrictedError
from django.http import JsonResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import routers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, NotAcceptable, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from consortia.models import Consortium, JointOutput, Membership, OutputContributor
from directory.models import Contact, Organisation, OrganisationRelationship, Region, Theme
from directory.models.base import parse_date_parameter

from . import filters, serializers
from .csv_export import CSVRenderer, columns_csv, kind_csv


def as_of_date(request):
    """The date nested membership lists are read for: `?as_of=` (ISO 8601), today if absent.

    The same reader as the `as_of` filters (`parse_date_parameter`), so a
    malformed date answers 400 naming `as_of`, as every filter error does.
    """
    text = request.query_params.get("as_of", "") if request is not None else ""
    if not text.strip():
        return timezone.localdate()  # an empty value is reported by the filter set where it is a filter
    try:
        return parse_date_parameter(text, "as_of")
    except DjangoValidationError as error:
        raise ValidationError(error.message_dict) from None


AS_OF_DETAIL = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="Show the memberships in force on this date (YYYY-MM-DD); today if absent.",
)


FORMAT = api_settings.URL_FORMAT_OVERRIDE  # "format"


def quoted(value: str, limit: int = 40) -> str:
    """A caller's value inside a message, cut short: the message should not echo a megabyte back."""
    return f"“{value[:limit]}…”" if len(value) > limit else f"“{value}”"


def listed(names) -> str:
    return ", ".join(sorted(names))


class ContentNegotiation(DefaultContentNegotiation):
    """`?format=` read as strictly as every other parameter.

    DRF would ignore an empty value, take the last of several, and answer an
    unknown one with a bare 404 that reads as "no such record".
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        values = request.query_params.getlist(FORMAT) if FORMAT else []
        if values and not format_suffix:
            formats = [renderer.format for renderer in renderers]
            if len(values) > 1 or not values[0]:
                raise ValidationError({FORMAT: [f"Give one format, or leave this parameter out: {listed(formats)}."]})
            if values[0] not in formats:
                raise NotAcceptable(
                    f"Unknown format {quoted(values[0])} for this address: give one of {listed(formats)}."
                )
        return super().select_renderer(request, renderers, format_suffix)


class APIConventions:
    """What every view of the API shares (a mixin before the DRF view class): the module's rules for errors.

    `query_parameters()` is the set of parameters a request may carry; None
    leaves them unchecked (the schema and its docs, whose parameters are
    drf-spectacular's).
    """

    content_negotiation_class = ContentNegotiation

    def query_parameters(self) -> set[str] | None:
        return {FORMAT}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        accepted = self.query_parameters()
        if accepted is None:
            return
        unknown = sorted(set(request.query_params) - accepted)
        if unknown:
            message = f"Unknown parameter. This address takes: {listed(accepted)}."
            raise ValidationError({name[:100]: [message] for name in unknown})

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        renderer = getattr(response, "accepted_renderer", None)
        if (
            isinstance(response, Response)
            and response.status_code >= 400
            and not isinstance(renderer, BrowsableAPIRenderer)
            and getattr(renderer, "media_type", None) != JSONRenderer.media_type
        ):
            # An error asked for as CSV, YAML or HTML (a bad filter with ?format=csv) is still explained, as JSON.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This record cannot be deleted while other records depend on it."
    default_code = "conflict"


class DirectoryViewSet(APIConventions, viewsets.ModelViewSet):
    """Shared plumbing: list/detail serializers, CSV lists, validated writes, the parameters each takes."""

    list_serializer_class = None
    csv_kind: str | None = None  # a kind with an import format (csvio), else csv_columns
    csv_columns: list = []
    # What a record's address (and a write) takes besides `format`.
    record_parameters: tuple[str, ...] = ()

    def get_view_name(self):
        """The browsable API's heading and breadcrumb: "Organisations", "Organisation" (DRF: "Organisation List")."""
        if getattr(self, "name", None):  # an extra action names itself
            return self.name
        meta = self.serializer_class.Meta.model._meta
        return capfirst(meta.verbose_name_plural if getattr(self, "detail", None) is False else meta.verbose_name)

    def query_parameters(self) -> set[str] | None:
        """A list takes its filters, `page`, `page_size` and `format`; a record `format` and its own."""
        if self.action is None:
            return None  # a method the address does not take: its 405 says so
        accepted = {FORMAT}
        if self.action != "list":
            return accepted | set(self.record_parameters)
        accepted |= filters.parameter_names(self.filterset_class)
        if self.paginator is not None:
            accepted |= {self.paginator.page_query_param, self.paginator.page_size_query_param}
        return accepted

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class is not None:
            return self.list_serializer_class
        return self.serializer_class

    def get_renderers(self):
        renderers = super().get_renderers()
        # action is None for a method the URL does not take: let it reach the 405 answer.
        if getattr(self, "action", None) in ("list", "metadata", None):
            renderers.append(CSVRenderer())
        return renderers

    def get_csv_queryset(self):
        return self.get_queryset()

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) == "csv":
            if self.paginator is not None:
                self.paginator.check_parameters(request)
            queryset = self.filter_queryset(self.get_csv_queryset())
            if self.csv_kind:
                return kind_csv(self.csv_kind, queryset, request.user)
            return columns_csv(self.csv_columns, queryset, self.basename)
        return super().list(request, *args, **kwargs)

    def _save(self, serializer):
        try:
            with transaction.atomic():
                instance = serializer.save()
        except IntegrityError as error:
            # Validation catches these first; this covers a race with another writer.
            raise ValidationError(
                {"non_field_errors": ["This conflicts with a record that already exists. Please check and retry."]}
            ) from error
        # Answer with the record as a reader would fetch it (nested lists included).
        serializer.instance = self.get_queryset().get(pk=instance.pk)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as error:
            names = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
            raise Conflict(
                f"This record cannot be deleted while it has {', '.join(names)}. Remove or end those first."
            ) from error


MEMBERSHIP_COLUMNS = ("id", "organisation", "consortium", "role", "start_date", "end_date")


class SlugLookupMixin:
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"


class IdLookupMixin:
    lookup_field = "pk"
    lookup_value_regex = "[0-9]+"


@extend_schema_view(retrieve=extend_schema(parameters=[AS_OF_DETAIL]))
class OrganisationViewSet(SlugLookupMixin, DirectoryViewSet):
    """Organisations, with their other names, identifiers, themes, regions, current memberships and contacts."""

    serializer_class = serializers.OrganisationSerializer
    list_serializer_class = serializers.OrganisationListSerializer
    filterset_class = filters.OrganisationFilter
    csv_kind = "organisations"
    record_parameters = ("as_of",)

    def memberships_prefetch(self):
        memberships = (
            Membership.objects.visible_to(self.request.user)
            .as_of(as_of_date(self.request))
            .select_related("consortium")
            .only(*MEMBERSHIP_COLUMNS, "consortium__slug", "consortium__name")
            .order_by("consortium__name", "role")
        )
        return Prefetch("memberships", queryset=memberships, to_attr="current_memberships")

    def get_queryset(self):
        # The search columns are large (a tsvector) and never shown.
        queryset = (
            Organisation.objects.visible_to(self.request.user)
            .defer("search_names", "search_vector")
            .order_by("name", "pk")
        )
        queryset = queryset.prefetch_related("themes", "regions", self.memberships_prefetch())
        if self.action == "list":
            queryset = queryset.defer("description")
        else:
            contacts = Contact.objects.visible_to(self.request.user).order_by("name")
            queryset = queryset.prefetch_related(
                "other_names", "identifiers", Prefetch("contacts", queryset=contacts, to_attr="visible_contacts")
            )
        return queryset

    def get_csv_queryset(self):
        return Organisation.objects.visible_to(self.request.user)


@extend_schema_view(retrieve=extend_schema(parameters=[AS_OF_DETAIL]))
class ConsortiumViewSet(SlugLookupMixin, DirectoryViewSet):
    """Consortia, alliances and programmes, with parent, children, former names, lead and current members."""

    serializer_class = serializers.ConsortiumSerializer
    list_serializer_class = serializers.ConsortiumListSerializer
    filterset_class = filters.ConsortiumFilter
    csv_kind = "consortia"
    record_parameters = ("as_of",)

    def get_queryset(self):
        user = self.request.user
        queryset = (
            Consortium.objects.visible_to(user).with_parent_visible_to(user).prefetch_related("themes").order_by("name")
        )
        if self.action != "list":
            # Only what the member list shows: a consortium can have hundreds of current members.
            memberships = (
                Membership.objects.visible_to(user)
                .as_of(as_of_date(self.request))
                .select_related("organisation")
                .only(*MEMBERSHIP_COLUMNS, "organisation__slug", "organisation__name")
                .order_by("role", "organisation__name")
            )
            queryset = queryset.prefetch_related(
                "other_names",
                Prefetch(
                    "children",
                    queryset=Consortium.objects.visible_to(user).order_by("name"),
                    to_attr="visible_children",
                ),
                Prefetch("memberships", queryset=memberships, to_attr="current_memberships"),
            )
        return queryset


class MembershipViewSet(IdLookupMixin, DirectoryViewSet):
    """Who belongs to which consortium, in what role, from when to when."""

    serializer_class = serializers.MembershipSerializer
    filterset_class = filters.MembershipFilter
    csv_kind = "memberships"

    def get_queryset(self):
        return (
            Membership.objects.visible_to(self.request.user)
            .select_related("organisation", "consortium")
            .order_by("consortium__name", "role", "organisation__name", "pk")
        )


class OutputViewSet(SlugLookupMixin, DirectoryViewSet):
    """Joint outputs (briefings, reports…) with contributors, themes, findings and press contact."""

    serializer_class = serializers.OutputSerializer
    list_serializer_class = serializers.OutputListSerializer
    filterset_class = filters.OutputFilter
    csv_kind = "outputs"

    def get_queryset(self):
        user = self.request.user
        contributors = (
            OutputContributor.objects.visible_to(user)
            .select_related("organisation")
            .order_by("order", "organisation__name")
        )
        # A visible output's consortium is visible (JointOutputQuerySet.public), so it is joined as it is.
        queryset = (
            JointOutput.objects.visible_to(user)
            .order_by("-published_on", "title", "pk")
            .select_related("consortium")
            .prefetch_related("themes", Prefetch("contributors", queryset=contributors, to_attr="visible_contributors"))
        )
        if self.action != "list":
            # None when the caller may not see the press contact.
            press = Contact.objects.visible_to(user).select_related("organisation")
            queryset = queryset.prefetch_related(Prefetch("press_contact", queryset=press))
        return queryset


class ContactViewSet(IdLookupMixin, DirectoryViewSet):
    """People to contact. Anonymous callers see only contacts marked public, at public organisations."""

    serializer_class = serializers.ContactSerializer
    filterset_class = filters.ContactFilter
    csv_kind = "contacts"

    def get_queryset(self):
        return (
            Contact.objects.visible_to(self.request.user)
            .select_related("organisation")
            .order_by("organisation__name", "name", "pk")
        )


class ThemeViewSet(SlugLookupMixin, DirectoryViewSet):
    """Subjects organisations, consortia and outputs work on."""

    queryset = Theme.objects.order_by("name")
    serializer_class = serializers.ThemeSerializer
    filterset_class = filters.ThemeFilter
    csv_columns = [("slug", lambda t: t.slug), ("name", lambda t: t.name), ("description", lambda t: t.description)]


class RegionViewSet(SlugLookupMixin, DirectoryViewSet):
    """Regions and nations organisations serve."""

    queryset = Region.objects.order_by("order", "name")
    serializer_class = serializers.RegionSerializer
    filterset_class = filters.RegionFilter
    csv_columns = [
        ("slug", lambda r: r.slug),
        ("name", lambda r: r.name),
        ("nation", lambda r: r.nation),
        ("code", lambda r: r.code),
    ]


class RelationshipViewSet(IdLookupMixin, DirectoryViewSet):
    """Typed links between two organisations (member of, funded by, part of, partner of)."""

    serializer_class = serializers.RelationshipSerializer
    filterset_class = filters.RelationshipFilter
    csv_kind = "relationships"

    def get_queryset(self):
        return (
            OrganisationRelationship.objects.visible_to(self.request.user)
            .select_related("subject", "object", "type")
            .order_by("subject__name", "type__name", "object__name", "pk")
        )


class ObtainToken(APIConventions, ObtainAuthToken):
    """Exchange a username and password for an API token (send it as `Authorization: Token <key>`)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


class APIRootView(APIConventions, routers.APIRootView):
    """The directory's records: organisations, consortia, memberships, joint outputs, contacts and more.

    Read without logging in (public records only), or send a token (`Authorization: Token <key>`) from
    `/api/v1/token/`. Every list also answers `?format=csv`.
    """

    def get_view_name(self):
        return "API root"


class SchemaView(APIConventions, SpectacularAPIView):
    def query_parameters(self):
        return None


class DocsView(APIConventions, SpectacularSwaggerView):
    def query_parameters(self):
        return None


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/ answers in JSON, like the rest of the API.

    A plain Django view, not a DRF one: the browsable API names every DRF view that a prefix of the
    address resolves to in its breadcrumb, and "/api/v1/organisations" (no slash) resolves here.
    """
    return JsonResponse({"detail": "There is nothing at this address. The API root lists what there is."}, status=404)
