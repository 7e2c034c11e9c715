from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import NumberInput

from journal.tags.names import MAX_TAGS_PER_ENTRY, inline_tags, merge_tag_lists, parse_tag_field
from journal.urls import parse_id

# Text fields have no length limit of their own: the request size limit (1 MiB) bounds
# them, and an entry is never refused for being long.


class EntryForm(FlaskForm):
    title = StringField("Title (optional)", validators=[Optional(), Length(max=200)],
                        render_kw={"autocomplete": "off"})
    body = TextAreaField("Entry", validators=[DataRequired("Write something before saving.")],
                         render_kw={"rows": 16, "spellcheck": "true"})
    tags = StringField("Tags", validators=[Length(max=4000)],
                       render_kw={"autocomplete": "off", "list": "tag-suggestions",
                                  "autocapitalize": "none"})
    is_win = BooleanField("This was a win")
    win_part = TextAreaField("Your part in it", validators=[Optional()],
                             render_kw={"rows": 3})
    prompt_id = HiddenField()
    version = HiddenField()

    kind = "note"

    def validate_tags(self, field):
        pairs, problems = parse_tag_field(field.data or "")
        if problems:
            raise ValidationError(" ".join(str(problem) for problem in problems))
        total = merge_tag_lists(pairs, inline_tags(self.all_text()))
        if len(total) > MAX_TAGS_PER_ENTRY:
            raise ValidationError(
                f"An entry can have at most {MAX_TAGS_PER_ENTRY} tags (this one has "
                f"{len(total)}, counting #tags in the text)."
            )

    def all_text(self) -> str:
        """Every text field a ``#tag`` may be written in."""
        return self.body.data or ""

    def tag_pairs(self) -> list[tuple[str, str]]:
        """The entry's tags: the tag field first, then inline ``#tags`` from the text."""
        pairs, _ = parse_tag_field(self.tags.data or "")
        return merge_tag_lists(pairs, inline_tags(self.all_text()))

    def submitted_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    def submitted_prompt_id(self) -> int | None:
        """The prompt id sent with the form; ``None`` when it cannot be a row's id."""
        return parse_id((self.prompt_id.data or "").strip())

    def reframe_fields(self) -> dict | None:
        return None


def _guided(label: str, required: str | None = None, rows: int = 4) -> TextAreaField:
    validators = [DataRequired(required)] if required else [Optional()]
    return TextAreaField(label, validators=validators,
                         render_kw={"rows": rows})


def _belief(label: str) -> IntegerField:
    in_range = NumberRange(0, 10, "Choose a number from 0 to 10.")
    return IntegerField(label, widget=NumberInput(min=0, max=10, step=1),
                        validators=[Optional(), in_range], render_kw={"inputmode": "numeric"})


class ReframeForm(EntryForm):
    """The two-lens reframe: the engineer's harsh reading, the facts, and what a
    salesperson would see in the same events."""

    kind = "reframe"

    happened = _guided("What happened", "Describe what happened first.")
    belief_before = _belief("How much do you believe the harsh reading right now? (0 to 10)")
    critic = _guided("What the engineer in me says", "Write down the harsh reading.")
    evidence_for = _guided("Facts that support it")
    evidence_against = _guided("Facts that contradict it")
    salesperson = _guided("What a salesperson would see", rows=5)
    in_control = _guided("What was in my control", rows=3)
    not_in_control = _guided("What was not in my control", rows=3)
    next_step = _guided("The next step for tomorrow", rows=2)
    belief_after = _belief("Having written this, how much do you believe it now? (0 to 10)")
    body = TextAreaField("Anything else (optional)",
                         validators=[Optional()],
                         render_kw={"rows": 4, "spellcheck": "true"})

    GUIDED_FIELDS = ("happened", "critic", "evidence_for", "evidence_against", "salesperson",
                     "in_control", "not_in_control", "next_step")

    def all_text(self) -> str:
        parts = [getattr(self, name).data or "" for name in self.GUIDED_FIELDS]
        return "\n\n".join([*parts, self.body.data or ""])

    def reframe_fields(self) -> dict:
        values = {name: (getattr(self, name).data or "") for name in self.GUIDED_FIELDS}
        values["belief_before"] = self.belief_before.data
        values["belief_after"] = self.belief_after.data
        return values


def form_class_for(kind: str) -> type[EntryForm]:
    return ReframeForm if kind == ReframeForm.kind else EntryForm


def entry_field_names() -> tuple[str, ...]:
    """Every field any entry form posts (without the CSRF token)."""
    names = [name for name in ReframeForm()._fields if name != "csrf_token"]
    return (*names, "kind")
