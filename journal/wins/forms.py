"""The filter on the wins page and the brag document: read from the query string."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional, ValidationError

from journal.tags.names import InvalidTag, canonical_tag

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


class LocalDateField(DateField):
    """A ``YYYY-MM-DD`` date (the format of a browser's date picker) with a message a
    person can act on, limited to years a journal can hold."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a date as YYYY-MM-DD, for example 2026-03-31.") from error

    def pre_validate(self, form):
        if self.data is not None and not EARLIEST <= self.data <= LATEST:
            raise ValidationError(
                f"Choose a date between {EARLIEST.year} and {LATEST.year}.")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class WinFilterForm(FlaskForm):
    """A GET form: no CSRF token, nothing is changed by submitting it."""

    class Meta:
        csrf = False

    tag = StringField("Tag", validators=[Optional(), Length(max=100)], filters=[_strip],
                      render_kw={"autocomplete": "off", "list": "tag-suggestions",
                                 "autocapitalize": "none"})
    start = LocalDateField("From", validators=[Optional()])
    end = LocalDateField("To", validators=[Optional()])

    def validate_tag(self, field):
        try:
            field.data = canonical_tag(field.data)
        except InvalidTag as problem:
            raise ValidationError(str(problem)) from problem

    def validate_end(self, field):
        start = self.start.data
        if field.data and start and not self.start.errors and field.data < start:
            raise ValidationError("The end date is before the start date.")

    def filters(self) -> dict[str, str]:
        """The filters in effect, as query arguments (for page and download links)."""
        values = {"tag": self.tag.data, "start": self.start.data, "end": self.end.data}
        return {name: str(value) for name, value in values.items() if value}
