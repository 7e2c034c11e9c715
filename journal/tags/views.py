from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from journal.extensions import db
from journal.models import Entry
from journal.pagination import paginate_entries
from journal.tags import bp
from journal.tags.forms import DeleteTagForm, RenameTagForm
from journal.tags.names import InvalidTag
from journal.tags.queries import (
    canonical_or_404,
    entries_under,
    subtree_or_404,
    tag_names,
    tag_or_404,
    tag_tree,
)
from journal.tags.services import BodyRewrite, delete_tag, rename_tag, rewrite_batches


@bp.route("/")
@login_required
def index():
    """The user's tags nested by ``/``, each with its number of entries."""
    return render_template("tags/index.html", tree=tag_tree(current_user))


@bp.route("/<path:name>")
@login_required
def detail(name: str):
    """Entries tagged ``name`` or one of its children; 404 when the user has neither."""
    canonical, tags = subtree_or_404(current_user, name)
    tag = next((t for t in tags if t.name == canonical), None)
    page = paginate_entries(
        entries_under(current_user, canonical).options(selectinload(Entry.tags)),
        before=request.args.get("before"), after=request.args.get("after"),
        per_page=current_app.config["ENTRIES_PER_PAGE"])
    rename_form = RenameTagForm(formdata=None, new_name=tag.display_name if tag else canonical)
    return render_template("tags/detail.html", name=canonical, tag=tag, children=tags,
                           page=page, rename_form=rename_form,
                           tag_suggestions=tag_names(current_user))


def _commit_in_batches(bodies: BodyRewrite) -> None:
    """Commit the tag change with the first batch of bodies, then each further batch."""
    for _ in rewrite_batches(bodies):
        db.session.commit()
    db.session.commit()


# No tag name starts with "~", so these addresses cannot collide with a tag's own.
@bp.route("/~rename/<path:name>", methods=["GET", "POST"])
@login_required
def rename(name: str):
    """Rename a tag and its children; renaming onto an existing tag merges the two."""
    canonical, _ = subtree_or_404(current_user, name)
    form = RenameTagForm()
    if form.validate_on_submit():
        try:
            new, merged, bodies = rename_tag(current_user, canonical, form.new_name.data)
        except InvalidTag as problem:
            db.session.rollback()
            form.new_name.errors.append(str(problem))
        else:
            _commit_in_batches(bodies)
            flash(f"Merged into #{new}." if merged else f"Renamed to #{new}.", "success")
            return redirect(url_for("tags.detail", name=new))
    return render_template("tags/rename.html", name=canonical, form=form,
                           tag_suggestions=tag_names(current_user)), 400 if form.errors else 200


@bp.route("/~delete/<path:name>", methods=["GET", "POST"])
@login_required
def delete(name: str):
    """Remove a tag from its entries; the entries stay."""
    canonical = canonical_or_404(name)
    tag = tag_or_404(current_user, canonical)
    form = DeleteTagForm()
    if form.validate_on_submit():
        count, bodies = delete_tag(current_user, tag)
        _commit_in_batches(bodies)
        flash(f"Tag #{canonical} removed from {count} entr{'y' if count == 1 else 'ies'}; "
              "the entries are kept.", "success")
        return redirect(url_for("tags.index"))
    return render_template("tags/delete.html", tag=tag, form=form)
