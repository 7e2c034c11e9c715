from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice

from journal.fields import TimezoneField
from journal.transfer.document import FORMATS

DETECT = "detect"


class ImportForm(FlaskForm):
    file = FileField("File", validators=[FileRequired("Choose the file to import.")])
    format = SelectField("Format", validate_choice=True, choices=[
        SelectChoice(DETECT, "Recognise it for me"),
        *(SelectChoice(key, label) for key, label in FORMATS.items())])
    timezone = TimezoneField("Time zone of dates without one")


# What to do with files that have no date of their own.
SKIP_UNDATED = "skip"
DATE_UNDATED = "modified"


class ConfirmImportForm(FlaskForm):
    """Carries the digest of the upload the preview described, and the choice made
    there about files without a date."""

    digest = HiddenField()
    undated = HiddenField(default=SKIP_UNDATED)


class UndatedChoiceForm(FlaskForm):
    """The preview's choice for files without a date; read from the address, so it
    needs no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    undated = RadioField("Notes without a date", default=SKIP_UNDATED, choices=[
        SelectChoice(SKIP_UNDATED, "Leave them out"),
        SelectChoice(DATE_UNDATED, "Date each one by when its file was last changed in the zip")])


class CancelImportForm(FlaskForm):
    pass
