"""The owner-scoped helpers every query of user data goes through: each one sees,
changes or removes only the given owner's rows, by account or by id."""

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import Prompt, Tag
from journal.ownership import owned, owned_columns, owned_delete, owned_update


@pytest.fixture
def tagged(user, other_user, make_entry):
    make_entry(user, "Mine.", tags="shared, mine")
    make_entry(other_user, "Theirs.", tags="shared, theirs")


def tag_names(owner) -> list[str]:
    return sorted(db.session.scalars(owned(Tag, owner).with_only_columns(Tag.name)))


def test_owned_columns_read_only_the_owners_rows(user, other_user, tagged):
    rows = db.session.execute(owned_columns(Tag, user, Tag.name, Tag.owner_id)
                              .order_by(Tag.name)).all()

    assert rows == [("mine", user.id), ("shared", user.id)]
    assert db.session.scalars(owned_columns(Tag, other_user.id, Tag.name)
                              .order_by(Tag.name)).all() == ["shared", "theirs"]


def test_owned_update_changes_only_the_owners_rows(user, other_user, tagged):
    db.session.execute(owned_update(Tag, user).where(Tag.name == "shared")
                       .values(display_name="Mine now"))

    shown = dict(db.session.execute(select(Tag.owner_id, Tag.display_name)
                                    .where(Tag.name == "shared")).all())
    assert shown == {user.id: "Mine now", other_user.id: "shared"}


def test_owned_delete_removes_only_the_owners_rows(user, other_user, tagged):
    db.session.execute(owned_delete(Tag, other_user.id).where(Tag.name == "shared")
                       .execution_options(synchronize_session=False))

    assert tag_names(user) == ["mine", "shared"]
    assert tag_names(other_user) == ["theirs"]


@pytest.mark.parametrize("helper", [owned, owned_update, owned_delete,
                                    lambda model, owner: owned_columns(model, owner, Prompt.id)])
def test_a_model_without_an_owner_is_refused(user, helper):
    with pytest.raises(TypeError, match="not owned by a user"):
        helper(Prompt, user)
