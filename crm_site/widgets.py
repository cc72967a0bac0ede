"""The date widgets every form uses: ISO values in the HTML (what flatpickr and the server read, in any
language), the picker itself is attached once for every page by static/js/crm.js."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ListInput(forms.TextInput):
    """A text input offering the entries of a choice list (<datalist>): pick one, or type a new value where the
    list is open (ChoiceList.allow_new, set per list in Settings → Choice lists)."""

    def __init__(self, options=(), attrs=None):
        super().__init__(attrs=attrs)
        self.options = list(options)

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html, format_html_join

        list_id = f"{(attrs or {}).get('id') or name}-options"
        attrs = {**(attrs or {}), "list": list_id, "autocomplete": "off"}
        html = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((stored, "" if stored == label else label) for stored, label in self.options),
        )
        return html + format_html('<datalist id="{}">{}</datalist>', list_id, options)
