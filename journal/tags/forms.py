from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class RenameTagForm(FlaskForm):
    new_name = StringField("New name", validators=[DataRequired(), Length(max=200)],
                           render_kw={"autocomplete": "off", "list": "tag-suggestions",
                                      "autocapitalize": "none"})


class DeleteTagForm(FlaskForm):
    """Only the CSRF token: deleting needs no other input."""
