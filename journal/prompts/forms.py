from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from journal.prompts.library import theme_choices


class OwnPromptForm(FlaskForm):
    text = TextAreaField("Your prompt", validators=[
        DataRequired("Write the question you want to be asked."), Length(max=500)],
        render_kw={"rows": 3})
    theme = SelectField("Theme", validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme.choices = theme_choices()
