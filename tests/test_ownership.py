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
    return sorted(tag.name for tag in db.session.scalars(owned(Tag, owner)))


def tag_ids(owner) -> dict[str, int]:
    return {tag.name: tag.id for tag in db.session.scalars(owned(Tag, owner))}


def test_owned_columns_read_only_the_owners_rows(user, other_user, tagged):
    rows = db.session.execute(owned_columns(Tag, user, Tag.id, Tag.owner_id)
                              .order_by(Tag.id)).all()

    assert rows == [(tag_id, user.id) for tag_id in sorted(tag_ids(user).values())]
    assert sorted(db.session.scalars(owned_columns(Tag, other_user.id, Tag.id))) == sorted(
        tag_ids(other_user).values())


def test_owned_update_changes_only_the_owners_rows(user, other_user, tagged):
    everyone = list(tag_ids(user).values()) + list(tag_ids(other_user).values())
    db.session.execute(owned_update(Tag, user).where(Tag.id.in_(everyone))
                       .values(entry_count=7))

    counts = dict(db.session.execute(select(Tag.id, Tag.entry_count)).all())
    assert {counts[tag_id] for tag_id in tag_ids(user).values()} == {7}
    assert 7 not in {counts[tag_id] for tag_id in tag_ids(other_user).values()}


def test_owned_delete_removes_only_the_owners_rows(user, other_user, tagged):
    shared = [tag_ids(user)["shared"], tag_ids(other_user)["shared"]]
    db.session.execute(owned_delete(Tag, other_user.id).where(Tag.id.in_(shared))
                       .execution_options(synchronize_session=False))

    assert tag_names(user) == ["mine", "shared"]
    assert tag_names(other_user) == ["theirs"]


@pytest.mark.parametrize("helper", [owned, owned_update, owned_delete,
                                    lambda model, owner: owned_columns(model, owner, Prompt.id)])
def test_a_model_without_an_owner_is_refused(user, helper):
    with pytest.raises(TypeError, match="not owned by a user"):
        helper(Prompt, user)
