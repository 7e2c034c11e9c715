from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, ValidationError

from journal.auth.usernames import canonical_username
from journal.fields import TimezoneField
from journal.models import User


class SettingsForm(FlaskForm):
    timezone = TimezoneField("Time zone")


class DeleteOwnAccountForm(FlaskForm):
    """The current password (checked by the view, which counts wrong guesses) and the
    account's username typed out to confirm, compared as usernames are (case and
    Unicode forms do not matter)."""

    password = PasswordField("Your password",
                             validators=[DataRequired("Type your password.")],
                             render_kw={"autocomplete": "current-password"})
    confirm = StringField("Type your username to confirm",
                          validators=[DataRequired("Type your username to confirm.")],
                          render_kw={"autocomplete": "off", "autocapitalize": "none",
                                     "spellcheck": "false"})

    def __init__(self, *args, account: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def validate_confirm(self, field):
        if canonical_username(field.data or "") != self.account.username:
            raise ValidationError(f"Type your username, “{self.account.username}”, exactly "
                                  "to delete your account.")


class RecoveryKeySavedForm(FlaskForm):
    saved = BooleanField("I have saved my recovery key somewhere safe",
                         validators=[DataRequired("Tick the box once the key is saved: it is "
                                                  "shown here until you do.")])


class NewRecoveryKeyForm(FlaskForm):
    """A button: the session opens the journal, so nothing is asked."""


class UnlockForm(FlaskForm):
    recovery_key = StringField(
        "Recovery key", validators=[DataRequired("Type your recovery key.")],
        render_kw={"autocomplete": "off", "autocapitalize": "characters",
                   "spellcheck": "false"})
    password = PasswordField("Your password",
                             validators=[DataRequired("Type your current password.")],
                             render_kw={"autocomplete": "current-password"})


class DeleteLockedForm(FlaskForm):
    confirm = BooleanField("I understand: the locked entries are deleted for good",
                           validators=[DataRequired("Tick the box to delete them.")])


class OpenJournalForm(FlaskForm):
    password = PasswordField("Your password",
                             validators=[DataRequired("Type your password.")],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()
