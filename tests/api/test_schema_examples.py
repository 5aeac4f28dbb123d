"""The API schema's examples are fictional (issue 13, item 8): no seed contact's telephone or email."""

import phonenumbers

from directory.models import Contact


def contact_details_as_written(contact) -> set[str]:
    """A contact's telephone number in every form a schema might print it, and their email address."""
    written = set()
    if contact.phone:
        number = contact.phone
        formats = [phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.NATIONAL]
        formats.append(phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        for number_format in formats:
            text = phonenumbers.format_number(number, number_format)
            written |= {text, text.replace(" ", "")}
        written.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "")[1:])
    if contact.email:
        written.add(contact.email)
    return written


def test_schema_examples_use_no_seed_contact_details(seed, api):
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.content.decode()
    details = set().union(*(contact_details_as_written(contact) for contact in Contact.objects.all()))
    assert "+442077667496" in details  # the seed's private telephone number is among those looked for
    assert [detail for detail in details if detail in schema] == []
    # The example a person is given is one of Ofcom's numbers reserved for drama.
    assert "020 7946 0000" in schema
