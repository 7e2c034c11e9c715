from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import NumberRange, Optional, ValidationError

from journal.auth.queries import find_user
from journal.auth.usernames import canonical_username, username_problem
from journal.models import User


class InviteForm(FlaskForm):
    username = StringField("For username (optional)", validators=[Optional()],
                           render_kw={"autocomplete": "off", "autocapitalize": "none"})
    days = IntegerField("Valid for (days)", default=7,
                        validators=[NumberRange(1, 90, "Choose 1 to 90 days.")])

    def validate_username(self, field):
        if not (field.data or "").strip():
            return
        problem = username_problem(field.data)
        if problem:
            raise ValidationError(problem)
        if find_user(field.data):
            raise ValidationError("That username already has an account.")
        field.data = canonical_username(field.data)


class DeleteAccountForm(FlaskForm):
    confirm_username = StringField("Type the username to confirm",
                                   render_kw={"autocomplete": "off", "autocapitalize": "none"})

    def __init__(self, *args, account: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def validate_confirm_username(self, field):
        if canonical_username(field.data or "") != self.account.username:
            raise ValidationError(f"Type “{self.account.username}” exactly to delete this "
                                  "account.")
