"""Form fields that more than one feature uses."""

from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from journal.timezones import all_timezone_names


class TimezoneField(SelectField):
    """A choice of every IANA time zone, shown with spaces for underscores."""

    def __init__(self, label: str, **kwargs):
        super().__init__(label, validate_choice=True, choices=[
            SelectChoice(name, name.replace("_", " ")) for name in all_timezone_names()],
            **kwargs)
