from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from journal.timezones import all_timezone_names


class SettingsForm(FlaskForm):
    timezone = SelectField("Time zone", validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(name, name.replace("_", " "))
                                 for name in all_timezone_names()]
