from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from journal.auth.passwords import password_problem
from journal.auth.queries import find_user
from journal.auth.usernames import canonical_username, username_problem
from journal.timezones import known_timezone


class RegisterForm(FlaskForm):
    """With an invitation for a given username, only that username is accepted. The
    hidden ``timezone`` is the browser's zone, filled in by the page script."""

    def __init__(self, *args, invite=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invite = invite

    username = StringField("Username", validators=[DataRequired()],
                           render_kw={"autocomplete": "username", "autocapitalize": "none",
                                      "spellcheck": "false"})
    password = PasswordField("Password", validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the password",
                            validators=[DataRequired(), EqualTo("password",
                                                                "The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    timezone = HiddenField(render_kw={"data-detect-timezone": ""})

    def chosen_timezone(self) -> str | None:
        """The browser's zone when it is one the journal knows, else ``None`` (the
        server's default zone). Never an error: the person cannot see or fix it."""
        return known_timezone(self.timezone.data)

    def validate_username(self, field):
        problem = username_problem(field.data or "")
        if problem:
            raise ValidationError(problem)
        if find_user(field.data):
            raise ValidationError("That username is taken. Choose another.")
        wanted = getattr(self.invite, "username", None)
        if wanted and canonical_username(field.data) != wanted:
            raise ValidationError(f"This invitation is for the username “{wanted}”.")

    def validate_password(self, field):
        problem = password_problem(field.data or "", [self.username.data or ""])
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired()],
                           render_kw={"autocomplete": "username", "autocapitalize": "none",
                                      "spellcheck": "false"})
    password = PasswordField("Password", validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me signed in on this device (30 days)")
    next = HiddenField()


class ResetPasswordForm(FlaskForm):
    """A new password, typed twice; refused when common or like the username."""

    password = PasswordField("New password", validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("password",
                                                                "The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, username: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_name = username

    def validate_password(self, field):
        problem = password_problem(field.data or "", [self.account_name])
        if problem:
            raise ValidationError(problem)


class ResetWithRecoveryKeyForm(ResetPasswordForm):
    """The reset link's form: a new password and, optionally, the recovery key that
    opens what the account wrote before."""

    recovery_key = StringField("Recovery key (optional)",
                               render_kw={"autocomplete": "off", "spellcheck": "false",
                                          "autocapitalize": "characters"})


class ChangePasswordForm(ResetPasswordForm):
    """The current password, then a new one."""

    current_password = PasswordField("Current password", validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
