"""Writes that touch more than one row: an organisation with its other names and identifiers.

Every service (docs/architecture.md, "Writes") is named `<entity>_<action>`,
takes keyword arguments only and:

- checks everything before it writes anything: the record's `full_clean()`
  (the same rules as the admin: dates, formats, unique and check
  constraints, the rule functions of the model layer) and each nested row's;
- writes inside one transaction, so a refusal leaves no trace, history
  included;
- records `user` in the history of every row it saves or deletes.

A refusal is a Django `ValidationError` keyed by field; a nested list's
messages are keyed by the list's name ("other_names", "identifiers") and name
the row they are about. The API turns it into a 400 with those field errors.
The admin's forms and the CSV importer keep their own paths for speed but call
the same model rules.

Nested lists replace: after the write the record's rows are exactly the ones
given. A row given again with the same key (an other name's name and kind, an
identifier's scheme and number) is kept, and changed in place when its dates or
note differ, so its history reads as a change rather than a deletion and a
new row.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from .models import Organisation, OrganisationIdentifier, OrganisationName


def record_user(instance: models.Model, user) -> None:
    """django-simple-history records `user` against this instance's next save or delete.

    Without a user (a script, a test) history falls back to the request's
    user, if any.
    """
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user


def set_fields(instance: models.Model, fields: dict) -> None:
    """Give `instance` these field values; a name that is no editable field is a programming error."""
    editable = {f.name for f in instance._meta.concrete_fields if f.editable and not f.primary_key}
    unknown = sorted(set(fields) - editable)
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no editable field {', '.join(unknown)}.")
    for name, value in fields.items():
        setattr(instance, name, value)


def _add_errors(errors: dict[str, list], error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    else:
        errors.setdefault(NON_FIELD_ERRORS, []).extend(error.messages)


@dataclass(frozen=True)
class ChildRows:
    """A list of rows that belong to one record, written with it (other names, identifiers, contributors)."""

    name: str  # the related_name on the owner, and the key of its errors
    model: type[models.Model]
    owner_field: str
    key: tuple[str, ...]  # attnames that make two rows the same row, besides the owner
    describe: Callable[[models.Model], str]  # names a row in an error message
    listed_twice: str
    # Checks the rows about to be added against other records (one query for all of them);
    # returns messages. Without it, the model's own constraints are checked row by row.
    check_new: Callable[[models.Model, list], list[str]] | None = None


@dataclass
class ChildPlan:
    spec: ChildRows
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    deleted: list = field(default_factory=list)

    def write(self, owner: models.Model, user) -> None:
        for row in self.deleted:
            record_user(row, user)
            row.delete()
        for row in self.changed:
            record_user(row, user)
            row.save()
        for row in self.new:
            setattr(row, self.spec.owner_field, owner)
            record_user(row, user)
            row.save()


def plan_children(owner: models.Model, spec: ChildRows, items: Iterable[dict]) -> tuple[ChildPlan, list[str]]:
    """What replacing `owner`'s rows with `items` would add, change and delete, and why it may not."""
    plan, messages, wanted = ChildPlan(spec), [], {}
    for item in items:
        row = spec.model(**item)
        try:
            # The owner may not be saved yet; constraints naming it are checked below or by the key.
            row.full_clean(exclude=[spec.owner_field], validate_constraints=False)
        except ValidationError as error:
            messages += [f"{spec.describe(row)}: {message}" for message in error.messages]
            continue
        key = tuple(getattr(row, name) for name in spec.key)
        if key in wanted:
            messages.append(f"{spec.describe(row)}: {spec.listed_twice}")
            continue
        wanted[key] = row
    existing = {}
    if owner.pk is not None:
        existing = {tuple(getattr(row, name) for name in spec.key): row for row in getattr(owner, spec.name).all()}
    others = [
        f.attname
        for f in spec.model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name != spec.owner_field and f.attname not in spec.key
    ]
    for key, row in wanted.items():
        kept = existing.pop(key, None)
        if kept is None:
            plan.new.append(row)
        elif any(getattr(kept, name) != getattr(row, name) for name in others):
            for name in others:
                setattr(kept, name, getattr(row, name))
            plan.changed.append(kept)
    plan.deleted = list(existing.values())
    if spec.check_new is not None:
        messages += spec.check_new(owner, plan.new)
    else:
        for row in plan.new:
            try:
                row.validate_constraints(exclude=[spec.owner_field])
            except ValidationError as error:
                messages += [f"{spec.describe(row)}: {message}" for message in error.messages]
    return plan, messages


def save_record(
    instance: models.Model,
    *,
    user,
    fields: dict,
    many_to_many: dict | None = None,
    children: Iterable[tuple[ChildRows, Iterable[dict] | None]] = (),
):
    """Check `instance` with `fields` and its nested rows, then write them all, in one transaction.

    `many_to_many` and `children` entries of None are left as they are.
    Raises ValidationError before writing anything if any of it is refused
    (`instance` then holds the refused values: read it again to use it).
    """
    with transaction.atomic():
        errors: dict[str, list] = {}
        set_fields(instance, fields)
        try:
            instance.full_clean()
        except ValidationError as error:
            _add_errors(errors, error)
        plans = []
        for spec, items in children:
            if items is None:
                continue
            plan, messages = plan_children(instance, spec, items)
            if messages:
                errors.setdefault(spec.name, []).extend(messages)
            plans.append(plan)
        if errors:
            raise ValidationError(errors)
        record_user(instance, user)
        instance.save()
        for name, values in (many_to_many or {}).items():
            if values is not None:
                getattr(instance, name).set(values)
        for plan in plans:
            plan.write(instance, user)
    return instance


def _identifiers_taken(organisation: Organisation, new: list[OrganisationIdentifier]) -> list[str]:
    """Identifiers about to be added that another organisation already holds (one query)."""
    if not new:
        return []
    condition = models.Q()
    for row in new:
        condition |= models.Q(scheme=row.scheme, value=row.value)
    taken = OrganisationIdentifier.objects.filter(condition)
    if organisation.pk is not None:
        taken = taken.exclude(organisation=organisation)
    return [
        f"Another organisation already has {scheme}-{value} in this register."
        for scheme, value in sorted(taken.values_list("scheme", "value"))
    ]


ORGANISATION_NAMES = ChildRows(
    name="other_names",
    model=OrganisationName,
    owner_field="organisation",
    key=("name", "kind"),
    describe=lambda row: f"“{row.name}” ({row.get_kind_display().lower()})",
    listed_twice="The same name of the same kind is listed twice.",
)

IDENTIFIERS = ChildRows(
    name="identifiers",
    model=OrganisationIdentifier,
    owner_field="organisation",
    key=("scheme", "value"),
    describe=lambda row: f"{row.scheme}-{row.value}",
    listed_twice="This identifier is listed twice.",
    check_new=_identifiers_taken,
)


def organisation_create(
    *,
    user,
    other_names: list[dict] | None = None,
    identifiers: list[dict] | None = None,
    themes: Iterable | None = None,
    regions: Iterable | None = None,
    **fields,
) -> Organisation:
    """A new organisation with its other names and identifiers (each a dict of the row's fields)."""
    return save_record(
        Organisation(),
        user=user,
        fields=fields,
        many_to_many={"themes": themes, "regions": regions},
        children=[(ORGANISATION_NAMES, other_names), (IDENTIFIERS, identifiers)],
    )


def organisation_update(
    *,
    organisation: Organisation,
    user,
    other_names: list[dict] | None = None,
    identifiers: list[dict] | None = None,
    themes: Iterable | None = None,
    regions: Iterable | None = None,
    **fields,
) -> Organisation:
    """Change an organisation; lists given replace its other names, identifiers, themes or areas."""
    return save_record(
        organisation,
        user=user,
        fields=fields,
        many_to_many={"themes": themes, "regions": regions},
        children=[(ORGANISATION_NAMES, other_names), (IDENTIFIERS, identifiers)],
    )
