"""What a browser would send back from an admin change page, for tests that then change one thing."""

import datetime


def _value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def _form_fields(form, data: dict) -> None:
    for bound_field in form:
        name = bound_field.html_name
        widget_type = bound_field.field.widget.__class__.__name__
        value = bound_field.value()
        if widget_type == "CheckboxInput":
            if value:
                data[name] = "on"
            continue
        data[name] = _value(bound_field)


def admin_form_data(response) -> dict:
    """The change page's form and every inline formset, unchanged, as POST data."""
    data = {}
    _form_fields(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _form_fields(formset.management_form, data)
        for form in formset.forms:
            _form_fields(form, data)
    return data
