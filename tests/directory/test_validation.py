"""What a person types (issue 13, items 10 and 5): invisible characters are refused in one place, the
model's validators, which the admin, the API and the importer share; a long text has one limit."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from phonenumber_field.modelfields import PhoneNumberField

from consortia.models import Consortium
from directory.models import Contact, Organisation, OrganisationIdentifier, OrganisationName
from directory.models.base import LONG_TEXT_MAX_LENGTH
from directory.validators import reject_control_characters, reject_control_characters_in_text
from tests.admin_forms import admin_form_data
from tests.factories import IdentifierFactory, RelationshipFactory, RelationshipTypeFactory

# Each class of refused character, with the words its message names it by.
REFUSED = [
    pytest.param("\x07", "U+0007 BEL", id="BEL"),
    pytest.param("\x1b", "U+001B ESC", id="ESC"),
    pytest.param("\x00", "U+0000 NUL", id="NUL"),
    pytest.param("\x7f", "U+007F DEL", id="DEL"),
    pytest.param("\x9b", "U+009B", id="C1-CSI"),
    pytest.param("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE", id="RLO"),
    pytest.param("\u202a", "U+202A LEFT-TO-RIGHT EMBEDDING", id="LRE"),
    pytest.param("\u202c", "U+202C POP DIRECTIONAL FORMATTING", id="PDF"),
    pytest.param("\u2067", "U+2067 RIGHT-TO-LEFT ISOLATE", id="RLI"),
    pytest.param("\u2069", "U+2069 POP DIRECTIONAL ISOLATE", id="PDI"),
    pytest.param("\ud800", "unpaired surrogate U+D800", id="lone-surrogate"),
    pytest.param("\ufffe", "noncharacter (U+FFFE)", id="noncharacter"),
]
# Refused in a name, kept in a multi-line text.
LINE_BREAKS = [
    pytest.param("\n", "U+000A LF", id="LF"),
    pytest.param("\r", "U+000D CR", id="CR"),
    pytest.param("\t", "U+0009 TAB", id="TAB"),
    pytest.param("\u2028", "U+2028 LINE SEPARATOR", id="LSEP"),
]
# Real names and words: letters with accents and circumflexes, joiners inside Welsh, Persian, Indic and
# emoji text, direction marks in mixed-script names, the Welsh flag's tag characters.
ACCEPTED = [
    "Tŷ Hafan",
    "Ŵyr Ŷd Caerdydd",
    "Cymdeithas\u200dCymraeg",
    "می\u200cخواهم",
    "क्\u200dष",
    "👩\u200d👩\u200d👧",
    "Mind Cymru \u200fמיינד\u200e",
    "🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
]


@pytest.mark.parametrize(("character", "named"), REFUSED)
@pytest.mark.parametrize("validator", [reject_control_characters, reject_control_characters_in_text])
def test_every_class_of_invisible_character_is_refused_by_name_and_place(validator, character, named):
    with pytest.raises(ValidationError) as caught:
        validator(f"Nacro{character} Cymru")
    (message,) = caught.value.messages
    assert named in message
    assert "at character 6" in message


@pytest.mark.parametrize(("character", "named"), LINE_BREAKS)
def test_line_breaks_and_tabs_are_refused_in_a_name_and_kept_in_a_text(character, named):
    with pytest.raises(ValidationError, match=re.escape(named)):
        reject_control_characters(f"Nacro{character}Cymru")
    reject_control_characters_in_text(f"First line{character}second line")


@pytest.mark.parametrize("text", ACCEPTED)
def test_real_names_are_accepted(text):
    reject_control_characters(text)
    reject_control_characters_in_text(text)


def typed_fields():
    """Every text field a person types in the directory and consortia models."""
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.app_label not in {"directory", "consortia"} or model.__name__.startswith("Historical"):
            continue
        if not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or not field.editable:
                continue
            if field.choices or isinstance(field, models.SlugField | PhoneNumberField):
                continue  # a choice, a slug or a telephone number allows no invisible character to begin with
            yield model, field


TYPED = list(typed_fields())


def test_the_typed_fields_are_the_ones_people_type():
    names = {f"{model.__name__}.{field.name}" for model, field in TYPED}
    assert {"Organisation.name", "Organisation.description", "OrganisationName.name", "Contact.notes"} <= names
    assert {"ConsortiumName.name", "Membership.note", "JointOutput.summary", "OrganisationIdentifier.value"} <= names


@pytest.mark.parametrize(
    ("model", "field"), TYPED, ids=lambda item: getattr(item, "name", getattr(item, "__name__", ""))
)
def test_every_typed_field_carries_the_check_and_every_text_the_length_limit(model, field):
    if isinstance(field, models.TextField):
        assert reject_control_characters_in_text in field.validators
        limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
        assert limits == [LONG_TEXT_MAX_LENGTH]
    else:
        assert reject_control_characters in field.validators


def instance_of(model):
    """A saved record of each model, from the seed or made for the test."""
    if model is OrganisationIdentifier:
        return IdentifierFactory()
    if model.__name__ == "RelationshipType":
        return RelationshipTypeFactory()
    if model.__name__ == "OrganisationRelationship":
        return RelationshipFactory()
    if model is OrganisationName and not model.objects.exists():
        return OrganisationName.objects.create(organisation=Organisation.objects.first(), name="Old", kind="former")
    return model._default_manager.first()


@pytest.mark.parametrize(
    ("model", "field"), TYPED, ids=lambda item: getattr(item, "name", getattr(item, "__name__", ""))
)
def test_full_clean_refuses_an_escape_in_every_typed_field(seed, model, field):
    instance = instance_of(model)
    assert instance is not None, model
    original = getattr(instance, field.attname)
    setattr(instance, field.attname, f"{original or 'x'}\x1b[2J")
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    assert any("U+001B ESC" in message for message in caught.value.message_dict[field.name])


@pytest.mark.parametrize(("character", "named"), REFUSED)
def test_full_clean_refuses_each_class_in_a_name(seed, character, named):
    nacro = Organisation.objects.get(slug="nacro")
    nacro.name = f"Nacro{character}"
    with pytest.raises(ValidationError) as caught:
        nacro.full_clean()
    assert named in caught.value.message_dict["name"][0]


def test_full_clean_accepts_joiners_and_welsh_letters(seed):
    nacro = Organisation.objects.get(slug="nacro")
    nacro.name = "Nacro Cymru \u200dŵŷ"
    nacro.description = "Llinell gyntaf\r\nAil linell\twedi’i mewnoli"
    nacro.full_clean()


def test_a_text_longer_than_the_limit_is_refused_by_full_clean(seed):
    nacro = Organisation.objects.get(slug="nacro")
    nacro.description = "a" * LONG_TEXT_MAX_LENGTH
    nacro.full_clean()
    nacro.description += "a"
    with pytest.raises(ValidationError) as caught:
        nacro.full_clean()
    assert "131072" in caught.value.message_dict["description"][0]


# The admin -----------------------------------------------------------------------------------------------


def admin_change(model, pk):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


# A form cannot send a lone surrogate; NUL is refused by Django's form field before the model sees it.
@pytest.mark.parametrize(("character", "named"), [p for p in REFUSED if p.id not in {"lone-surrogate", "NUL"}])
def test_admin_refuses_each_class_in_an_organisation_name(seed, coordinator_client, character, named):
    nacro = Organisation.objects.get(slug="nacro")
    data = admin_form_data(coordinator_client.get(admin_change(Organisation, nacro.pk)))
    data["name"] = f"Nacro{character}Cymru"
    response = coordinator_client.post(admin_change(Organisation, nacro.pk), data)
    assert response.status_code == 200
    assert named in str(response.context["adminform"].form.errors["name"])
    assert Organisation.objects.get(pk=nacro.pk).name == "Nacro"


def test_admin_refuses_an_override_in_an_inline_contact_and_other_name(seed, coordinator_client):
    amhp = Organisation.objects.get(slug="association-of-mental-health-providers")
    data = admin_form_data(coordinator_client.get(admin_change(Organisation, amhp.pk)))
    data["contacts-0-job_title"] = "Chief\u202eevitucexE"
    count = int(data["other_names-TOTAL_FORMS"])
    data.update(
        {
            "other_names-TOTAL_FORMS": str(count + 1),
            f"other_names-{count}-name": "AMHP\x07",
            f"other_names-{count}-kind": "acronym",
        }
    )
    response = coordinator_client.post(admin_change(Organisation, amhp.pk), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in page
    assert "U+0007 BEL" in page
    assert not Contact.objects.filter(job_title__contains="\u202e").exists()


def test_admin_accepts_joiners_and_welsh_letters(seed, coordinator_client):
    nacro = Organisation.objects.get(slug="nacro")
    data = admin_form_data(coordinator_client.get(admin_change(Organisation, nacro.pk)))
    data["name"] = "Nacro Cymru \u200dŵŷ"
    data["description"] = "Llinell gyntaf\r\nAil linell"
    response = coordinator_client.post(admin_change(Organisation, nacro.pk), data)
    assert response.status_code == 302
    assert Organisation.objects.get(pk=nacro.pk).name == "Nacro Cymru \u200dŵŷ"


def test_admin_refuses_a_consortium_description_longer_than_the_limit(seed, coordinator_client):
    consortium = Consortium.objects.get(slug="mental-health-consortia")
    data = admin_form_data(coordinator_client.get(admin_change(Consortium, consortium.pk)))
    data["description"] = "a" * (LONG_TEXT_MAX_LENGTH + 1)
    response = coordinator_client.post(admin_change(Consortium, consortium.pk), data)
    assert response.status_code == 200
    assert "131072" in str(response.context["adminform"].form.errors["description"])
