"""How each record looks through the API, and how writes are checked.

Reads: foreign keys and tags appear as slugs (the same natural keys the CSV
files and filters use) beside the related record's name, so a caller rarely
needs a second request. Nested lists (`visible_contacts`, `current_memberships`
and so on) come from `Prefetch(..., to_attr=...)` in the viewsets, already
narrowed to what the caller may see; the serializers never query by
themselves.

Writes: the serializers read and check the input's shape only (types,
choices, references by slug), strictly: a key the record does not have is
refused (a misspelt key would otherwise be a change silently not made), JSON
of the wrong type is refused rather than coerced, and every item of a nested
list (other names, identifiers, contributors) is checked as a whole row, with
its required keys, even in a PATCH, because a list given replaces the rows. Organisations, consortia, joint outputs and
memberships are then written by their services (`directory.services`,
`consortia.services`), which run the model's own `full_clean()` — the same
rules as the admin: dates, identifier formats, unique and check constraints,
overlapping memberships — inside one transaction and record the caller in
history; a refusal answers 400 with field errors. The single-row kinds
(contacts, relationships, themes, regions) run `full_clean()` here.
"""

from collections.abc import Mapping
from copy import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from consortia import services as consortia_services
from consortia.models import Consortium, ConsortiumName, JointOutput, Membership, OutputContributor, Role
from consortia.models.memberships import lead_organisations
from directory import services as directory_services
from directory.models import (
    Contact,
    Organisation,
    OrganisationIdentifier,
    OrganisationName,
    OrganisationRelationship,
    Region,
    RelationshipType,
    Theme,
)
from directory.models.base import sees_everything


def django_errors(error: DjangoValidationError) -> dict | list:
    """A Django ValidationError as DRF field errors ("__all__" becomes non_field_errors)."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def user_of(serializer) -> object | None:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def strict(field_class, types: tuple, message: str):
    """A DRF field that refuses JSON of the wrong type instead of coercing it (0 for "0", "yes" for true)."""

    class Strict(field_class):
        def to_internal_value(self, data):
            if not isinstance(data, types) or (isinstance(data, bool) and bool not in types):
                raise serializers.ValidationError(message)
            return super().to_internal_value(data)

    Strict.__name__ = field_class.__name__
    return Strict


TEXT = "Give text (a JSON string)."
STRICT_FIELDS = {
    serializers.CharField: strict(serializers.CharField, (str,), TEXT),
    serializers.EmailField: strict(serializers.EmailField, (str,), TEXT),
    serializers.URLField: strict(serializers.URLField, (str,), TEXT),
    serializers.SlugField: strict(serializers.SlugField, (str,), TEXT),
    serializers.ChoiceField: strict(serializers.ChoiceField, (str,), TEXT),
    serializers.DateField: strict(serializers.DateField, (str,), "Give a date as text, YYYY-MM-DD."),
    serializers.BooleanField: strict(serializers.BooleanField, (bool,), "Give true or false."),
    serializers.IntegerField: strict(serializers.IntegerField, (int,), "Give a whole number."),
}


class StrictModelSerializer(serializers.ModelSerializer):
    """Refuses JSON of the wrong type and keys the record does not have.

    Read-only keys (`api_url`, `org_id`…) are taken and ignored, so a record
    fetched, changed and sent back is accepted as it is.
    """

    serializer_field_mapping = {
        model_field: STRICT_FIELDS.get(field, field)
        for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
    }
    serializer_choice_field = STRICT_FIELDS[serializers.ChoiceField]
    # Every required key must be present, even when the root serializer is partial (a PATCH).
    whole = False

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, Mapping):
            writable = sorted(name for name, field in self.fields.items() if not field.read_only)
            for name in data:
                if name not in self.fields:
                    errors[str(name)[:100]] = [f"Unknown field. Give only: {', '.join(writable)}."]
            if self.whole:
                for name in writable:
                    if self.fields[name].required and name not in data:
                        errors[name] = [self.fields[name].error_messages["required"]]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, Mapping):
                raise
            errors = {**error.detail, **errors}
        if errors:
            raise serializers.ValidationError(errors)
        return value


class NestedRowSerializer(StrictModelSerializer):
    """One item of a nested list: a whole row, which the list given replaces (directory.services)."""

    whole = True


class ManyRelatedField(serializers.ManyRelatedField):
    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class SlugRelatedField(serializers.SlugRelatedField):
    """A related record named by its slug: text shaped like a slug.

    Not a number (0 would be looked up as "0"), not an empty string (not a
    silent null), not text no slug could be.
    """

    default_error_messages = {
        "does_not_exist": "No record has the slug “{value}”.",
        "not_a_slug": "Give a slug (text of letters, digits, hyphens and underscores), e.g. nacro.",
    }

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS})
        return ManyRelatedField(**list_kwargs)

    def run_validation(self, data=serializers.empty):
        if data == "":
            raise serializers.ValidationError("Give a slug, or null for none.")
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_slug")
        try:
            validate_slug(data)  # the model's own SlugField rule
        except DjangoValidationError:
            self.fail("not_a_slug")
        return super().to_internal_value(data)


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record named by its id: a JSON whole number, not "7" or 7.0 or true."""

    def to_internal_value(self, data):
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class LinesField(serializers.ListField):
    """A text field stored one item per line, shown as a list of strings."""

    child = STRICT_FIELDS[serializers.CharField](allow_blank=False)

    def to_representation(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def to_internal_value(self, data):
        items = super().to_internal_value(data)
        if any("\n" in item or "\r" in item for item in items):
            raise serializers.ValidationError("Each item must be a single line.")
        return "\n".join(item.strip() for item in items if item.strip())


class CleanModelSerializer(StrictModelSerializer):
    """A single-row kind: runs the model's full_clean() on the would-be record before saving it."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy(self.instance) if self.instance is not None else model()
        many_to_many = {field.name for field in model._meta.many_to_many}
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        try:
            instance.full_clean(exclude=sorted(many_to_many))
        except DjangoValidationError as error:
            raise serializers.ValidationError(django_errors(error)) from error
        return attrs


class ServiceModelSerializer(StrictModelSerializer):
    """Input and output only: `create()` and `update()` hand the checked input to the kind's services.

    `create_service(user=…, **input)` and `update_service(<record_argument>=…,
    user=…, **input)`; `renamed` maps an input's source name to the
    service's keyword. A service's ValidationError becomes a 400 with the
    same field errors.
    """

    create_service = None
    update_service = None
    record_argument = ""
    renamed: dict[str, str] = {}

    def service_input(self, validated_data: dict) -> dict:
        return {self.renamed.get(name, name): value for name, value in validated_data.items()}

    def create(self, validated_data):
        return self.run(self.create_service, **self.service_input(validated_data))

    def update(self, instance, validated_data):
        return self.run(self.update_service, **{self.record_argument: instance}, **self.service_input(validated_data))

    def run(self, service, **arguments):
        try:
            return service(user=user_of(self), **arguments)
        except DjangoValidationError as error:
            raise serializers.ValidationError(django_errors(error)) from error


# Reference lists


class ThemeSerializer(CleanModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:theme-detail", lookup_field="slug")

    class Meta:
        model = Theme
        fields = ["api_url", "slug", "name", "description"]


class RegionSerializer(CleanModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:region-detail", lookup_field="slug")

    class Meta:
        model = Region
        fields = ["api_url", "slug", "name", "nation", "code", "order"]


# Small nested shapes


class OrganisationRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class ConsortiumRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class OtherNameSerializer(NestedRowSerializer):
    class Meta:
        model = OrganisationName
        fields = ["name", "kind", "start_date", "end_date", "note"]


class ConsortiumOtherNameSerializer(NestedRowSerializer):
    class Meta:
        model = ConsortiumName
        fields = ["name", "kind", "start_date", "end_date", "note"]


class IdentifierSerializer(NestedRowSerializer):
    org_id = serializers.CharField(read_only=True, help_text="The org-id.guide string, e.g. GB-CHC-1234567.")
    register_url = serializers.CharField(read_only=True, help_text="The record on the register's own website.")

    class Meta:
        model = OrganisationIdentifier
        fields = ["scheme", "value", "org_id", "register_url"]
        # The service tidies and checks the number (the model's clean()) and its uniqueness.
        validators = []


class ContactInlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "job_title", "email", "phone", "is_public"]


class OrganisationMembershipSerializer(serializers.ModelSerializer):
    """One current membership, seen from the organisation."""

    consortium = ConsortiumRefSerializer(read_only=True)
    since = serializers.DateField(source="start_date", read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["consortium", "role", "since"]


# Organisations


class OrganisationListSerializer(ServiceModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail", lookup_field="slug")
    themes = SlugRelatedField(slug_field="slug", many=True, queryset=Theme.objects.all(), required=False)
    regions = SlugRelatedField(slug_field="slug", many=True, queryset=Region.objects.all(), required=False)
    current_memberships = OrganisationMembershipSerializer(
        many=True, read_only=True, help_text="Memberships in force today, or on the `as_of` date if one is given."
    )

    class Meta:
        model = Organisation
        fields = [
            "api_url",
            "slug",
            "name",
            "short_name",
            "classification",
            "themes",
            "regions",
            "member_count",
            "is_public",
            "current_memberships",
        ]

    create_service = staticmethod(directory_services.organisation_create)
    update_service = staticmethod(directory_services.organisation_update)
    record_argument = "organisation"


class OrganisationSerializer(OrganisationListSerializer):
    other_names = OtherNameSerializer(many=True, required=False, help_text="Former names, acronyms, Welsh names…")
    identifiers = IdentifierSerializer(many=True, required=False)
    contacts = ContactInlineSerializer(
        many=True, read_only=True, source="visible_contacts", help_text="Only contacts the caller may see."
    )

    class Meta(OrganisationListSerializer.Meta):
        fields = OrganisationListSerializer.Meta.fields + [
            "description",
            "website",
            "email",
            "phone",
            "founded_on",
            "dissolved_on",
            "other_names",
            "identifiers",
            "contacts",
            "created_at",
            "updated_at",
        ]


# Consortia


class ConsortiumListSerializer(ServiceModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:consortium-detail", lookup_field="slug")
    parent = SlugRelatedField(
        slug_field="slug",
        queryset=Consortium.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of the alliance or programme this sits inside.",
    )
    themes = SlugRelatedField(slug_field="slug", many=True, queryset=Theme.objects.all(), required=False)

    class Meta:
        model = Consortium
        fields = [
            "api_url",
            "slug",
            "name",
            "short_name",
            "kind",
            "parent",
            "start_date",
            "end_date",
            "themes",
            "is_public",
        ]

    create_service = staticmethod(consortia_services.consortium_create)
    update_service = staticmethod(consortia_services.consortium_update)
    record_argument = "consortium"


class MembersByRoleSerializer(serializers.Serializer):
    """Current members grouped by role."""

    def get_fields(self):
        return {role: MemberSerializer(many=True, read_only=True) for role in Role.values}


class MemberSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="organisation.slug", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)
    since = serializers.DateField(source="start_date", read_only=True, allow_null=True)


class ConsortiumSerializer(ConsortiumListSerializer):
    parent_name = serializers.SerializerMethodField()
    children = ConsortiumRefSerializer(many=True, read_only=True, source="visible_children")
    other_names = ConsortiumOtherNameSerializer(many=True, required=False, help_text="Former names and acronyms.")
    leads = serializers.SerializerMethodField(help_text="Organisations in the lead role today, or on `as_of`.")
    current_members = serializers.SerializerMethodField(help_text="Members today, or on `as_of`, by role.")

    class Meta(ConsortiumListSerializer.Meta):
        fields = ConsortiumListSerializer.Meta.fields + [
            "parent_name",
            "children",
            "description",
            "website",
            "other_names",
            "leads",
            "current_members",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parent_name(self, instance) -> str | None:
        # The viewset reads the parent through visible_to (with_parent_visible_to): None if hidden.
        return instance.parent.name if instance.parent is not None else None

    @extend_schema_field(OrganisationRefSerializer(many=True))
    def get_leads(self, instance):
        leads = lead_organisations(getattr(instance, "current_memberships", []))
        return OrganisationRefSerializer(leads, many=True).data

    @extend_schema_field(MembersByRoleSerializer)
    def get_current_members(self, instance):
        # Plain dicts (the shape MemberSerializer documents): a consortium can have hundreds of members.
        grouped = {role: [] for role in Role.values}
        for membership in getattr(instance, "current_memberships", []):
            grouped[membership.role].append(
                {
                    "slug": membership.organisation.slug,
                    "name": membership.organisation.name,
                    "since": membership.start_date.isoformat() if membership.start_date else None,
                }
            )
        return grouped


# Memberships


class MembershipSerializer(ServiceModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:membership-detail")
    organisation = SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    consortium = SlugRelatedField(slug_field="slug", queryset=Consortium.objects.all())
    consortium_name = serializers.CharField(source="consortium.name", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Membership
        fields = [
            "api_url",
            "id",
            "organisation",
            "organisation_name",
            "consortium",
            "consortium_name",
            "role",
            "start_date",
            "end_date",
            "is_current",
            "note",
            "created_at",
            "updated_at",
        ]
        # The overlap rule (Membership.clean) covers the unique constraint with a clearer message.
        validators = []

    create_service = staticmethod(consortia_services.membership_create)
    update_service = staticmethod(consortia_services.membership_update)
    record_argument = "membership"

    def update(self, instance, validated_data):
        if set(validated_data) == {"end_date"} and validated_data["end_date"] is not None:
            # Only an end date: the membership is being closed (memberships are closed, not deleted).
            return self.run(consortia_services.membership_close, membership=instance, **validated_data)
        return super().update(instance, validated_data)


# Joint outputs


class ContributorSerializer(NestedRowSerializer):
    organisation = SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = OutputContributor
        fields = ["organisation", "organisation_name", "role", "order"]


class ContactSummarySerializer(serializers.ModelSerializer):
    organisation = SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "name", "job_title", "email", "phone", "organisation"]


class OutputListSerializer(ServiceModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:output-detail", lookup_field="slug")
    consortium = SlugRelatedField(slug_field="slug", queryset=Consortium.objects.all(), required=False, allow_null=True)
    themes = SlugRelatedField(slug_field="slug", many=True, queryset=Theme.objects.all(), required=False)
    contributors = ContributorSerializer(many=True, required=False, source="visible_contributors")

    class Meta:
        model = JointOutput
        fields = [
            "api_url",
            "slug",
            "title",
            "kind",
            "published_on",
            "url",
            "consortium",
            "themes",
            "contributors",
            "is_public",
        ]

    create_service = staticmethod(consortia_services.output_create)
    update_service = staticmethod(consortia_services.output_update)
    record_argument = "output"
    renamed = {"visible_contributors": "contributors"}


class OutputSerializer(OutputListSerializer):
    key_findings = LinesField(required=False, help_text="Key findings, one item each.")
    recommendations = LinesField(required=False, help_text="Recommendations, one item each.")
    press_contact = serializers.SerializerMethodField(help_text="Null when the caller may not see the contact.")
    press_contact_id = PrimaryKeyRelatedField(
        source="press_contact",
        queryset=Contact.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text="Id of the contact who answers press enquiries.",
    )

    class Meta(OutputListSerializer.Meta):
        fields = OutputListSerializer.Meta.fields + [
            "summary",
            "key_findings",
            "recommendations",
            "press_contact",
            "press_contact_id",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(ContactSummarySerializer(allow_null=True))
    def get_press_contact(self, instance):
        # The viewset reads the press contact through visible_to: None if the caller may not see it.
        contact = instance.press_contact
        return ContactSummarySerializer(contact).data if contact is not None else None


# Contacts


class ContactSerializer(CleanModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:contact-detail")
    organisation = SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "api_url",
            "id",
            "organisation",
            "organisation_name",
            "name",
            "job_title",
            "email",
            "phone",
            "is_public",
            "last_verified_on",
            "notes",
            "created_at",
            "updated_at",
        ]
        validators = []  # the unique constraint is checked by full_clean() with its own message

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not sees_everything(user_of(self)):
            data["notes"] = ""  # notes are for coordinators, even on a public contact
        return data


# Relationships


class RelationshipTypeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = RelationshipType
        fields = ["slug", "name", "forward_label", "reverse_label"]


class RelationshipSerializer(CleanModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:relationship-detail")
    subject = SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all())
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    type = SlugRelatedField(slug_field="slug", queryset=RelationshipType.objects.all())
    forward_label = serializers.CharField(source="type.forward_label", read_only=True)
    reverse_label = serializers.CharField(source="type.reverse_label", read_only=True)
    object = SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all())
    object_name = serializers.CharField(source="object.name", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = OrganisationRelationship
        fields = [
            "api_url",
            "id",
            "subject",
            "subject_name",
            "type",
            "forward_label",
            "reverse_label",
            "object",
            "object_name",
            "start_date",
            "end_date",
            "is_current",
            "note",
            "created_at",
            "updated_at",
        ]
        validators = []
