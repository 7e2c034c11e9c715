from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from journal.account.forms import TimezoneField
from journal.transfer.document import FORMATS

DETECT = "detect"


class ImportForm(FlaskForm):
    file = FileField("File", validators=[FileRequired("Choose the file to import.")])
    format = SelectField("Format", validate_choice=True, choices=[
        SelectChoice(DETECT, "Recognise it for me"),
        *(SelectChoice(key, label) for key, label in FORMATS.items())])
    timezone = TimezoneField("Time zone of dates without one")


class ConfirmImportForm(FlaskForm):
    """Carries the digest of the upload the preview described."""

    digest = HiddenField()


class CancelImportForm(FlaskForm):
    pass
