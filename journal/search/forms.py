from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from journal.tags.names import InvalidTag, canonical_tag


class SearchForm(FlaskForm):
    """The search box and its filters. Submitted with GET, so a search can be bookmarked;
    it changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField("Search your entries",
                    render_kw={"autocomplete": "off", "spellcheck": "false",
                               "placeholder": 'e.g. launch -demo "code review" tag:work'})
    tag = StringField("Tag", validators=[Optional()],
                      render_kw={"list": "tag-suggestions", "autocomplete": "off",
                                 "autocapitalize": "none"})
    start = DateField("From", validators=[Optional()])
    end = DateField("To", validators=[Optional()])
    starred = BooleanField("Starred only")
    win = BooleanField("Wins only")
    kind = SelectField("Kind", choices=[SelectChoice("", "Any kind"),
                                        SelectChoice("note", "Notes"),
                                        SelectChoice("reframe", "Reframes")],
                       validate_choice=True, validators=[Optional()])

    def validate_tag(self, field):
        if field.data and field.data.strip():
            try:
                canonical_tag(field.data)
            except InvalidTag as problem:
                raise ValidationError(str(problem)) from None

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The end date is before the start date.")

    @property
    def has_filters(self) -> bool:
        return bool((self.tag.data or "").strip() or self.start.data or self.end.data
                    or self.starred.data or self.win.data or self.kind.data)
