from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from journal.tags.names import MAX_TAGS_PER_ENTRY, inline_tags, merge_tag_lists, parse_tag_field


class EntryForm(FlaskForm):
    title = StringField("Title (optional)", validators=[Optional(), Length(max=200)],
                        render_kw={"autocomplete": "off"})
    body = TextAreaField("Entry", validators=[DataRequired("Write something before saving.")],
                         render_kw={"rows": 16, "spellcheck": "true"})
    tags = StringField("Tags", validators=[Length(max=4000)],
                       render_kw={"autocomplete": "off", "list": "tag-suggestions",
                                  "autocapitalize": "none"})
    prompt_id = HiddenField()
    version = HiddenField()

    def validate_tags(self, field):
        pairs, problems = parse_tag_field(field.data or "")
        if problems:
            raise ValidationError(" ".join(str(problem) for problem in problems))
        total = merge_tag_lists(pairs, inline_tags(self.body.data or ""))
        if len(total) > MAX_TAGS_PER_ENTRY:
            raise ValidationError(
                f"An entry can have at most {MAX_TAGS_PER_ENTRY} tags (this one has "
                f"{len(total)}, counting #tags in the text)."
            )

    def tag_pairs(self) -> list[tuple[str, str]]:
        """The entry's tags: the tag field first, then inline ``#tags`` from the body."""
        pairs, _ = parse_tag_field(self.tags.data or "")
        return merge_tag_lists(pairs, inline_tags(self.body.data or ""))

    def submitted_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None
