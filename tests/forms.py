"""Helpers for tests that submit the app's forms the way a browser would."""


def rendered_form_data(response, **overrides):
    """What the browser would POST for the form on `response` as rendered, with `overrides` (None drops a field)."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value not in (None, ""):
            data[name] = str(value)
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data
