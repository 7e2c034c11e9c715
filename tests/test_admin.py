"""Who gets in (open, invite, closed; invitations) and administration: accounts,
disabling, deleting, admin rights, password links; admins never see anyone's words."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from journal.auth.models import Invite, PasswordReset
from journal.extensions import db
from journal.models import Entry, Tag, User, UserSession, utcnow
from tests.conftest import OTHER_PASSWORD, PASSWORD

NEW_PASSWORD = "a brand new long passphrase"


def register(client, username, invite=None, password=PASSWORD):
    url = "/auth/register" + (f"?invite={invite}" if invite else "")
    return client.post(url, data={"username": username, "password": password,
                                  "confirm": password})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def link_token(page: str, path: str) -> str:
    match = re.search(rf'{re.escape(path)}([A-Za-z0-9_\-]+)', page)
    assert match, "no link on the page"
    return match.group(1)


@pytest.fixture
def config_overrides():
    return {"REGISTRATION": "invite"}


@pytest.fixture
def admin_client(app, user, login, client):
    login(user)
    return client


def invite_token(admin_client, **data) -> str:
    page = admin_client.post("/admin/invites", data={"days": 7, **data}).get_data(as_text=True)
    return link_token(page, "/auth/register?invite=")


# --- who gets in -----------------------------------------------------------------------

def test_invite_is_the_default_registration_mode():
    from journal import config

    assert config.REGISTRATION == "invite"


def test_the_first_visitor_sets_up_the_administrator_in_any_mode(app):
    first = app.test_client()
    assert first.get("/auth/register").status_code == 200
    assert register(first, "lead").status_code == 302
    second = app.test_client()
    response = second.get("/auth/register")
    assert response.status_code == 403
    assert "Joining takes an invitation" in response.get_data(as_text=True)
    assert register(second, "eve").status_code == 403
    assert count(User) == 1


def test_an_invitation_works_once(app, admin_client):
    token = invite_token(admin_client)
    newcomer = app.test_client()
    assert "Create account" in newcomer.get(f"/auth/register?invite={token}").get_data(
        as_text=True)
    assert register(newcomer, "cara", token).status_code == 302
    again = app.test_client()
    response = register(again, "dan", token)
    assert response.status_code == 400
    assert "This invitation does not work" in response.get_data(as_text=True)
    invitation = db.session.scalar(select(Invite))
    assert invitation.used_at is not None
    assert invitation.used_by_id == db.session.scalar(
        select(User.id).where(User.username == "cara"))


def test_an_invitation_for_a_username_accepts_only_that_name(app, admin_client):
    token = invite_token(admin_client, username="Cara")
    newcomer = app.test_client()
    page = newcomer.get(f"/auth/register?invite={token}").get_data(as_text=True)
    assert 'value="cara"' in page
    response = register(newcomer, "someone-else", token)
    assert "This invitation is for the username" in response.get_data(as_text=True)
    assert register(newcomer, "CARA", token).status_code == 302


def test_expired_and_revoked_invitations_do_not_work(app, admin_client):
    expired = invite_token(admin_client)
    db.session.scalar(select(Invite)).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert register(app.test_client(), "cara", expired).status_code == 400

    revoked = invite_token(admin_client)
    pending = db.session.scalar(select(Invite).where(Invite.revoked_at.is_(None),
                                                     Invite.expires_at > utcnow()))
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert "anyone with the link" in page
    admin_client.post(f"/admin/invites/{pending.id}/revoke")
    assert register(app.test_client(), "dan", revoked).status_code == 400
    assert "No pending invitations" in admin_client.get("/admin/").get_data(as_text=True)


def test_invitation_links_default_to_seven_days_and_store_only_a_hash(admin_client):
    token = invite_token(admin_client)
    invitation = db.session.scalar(select(Invite))
    assert token not in invitation.token_hash
    lifetime = invitation.expires_at - invitation.created_at
    assert timedelta(days=7) - timedelta(minutes=1) < lifetime <= timedelta(days=7)


@pytest.mark.parametrize("mode", ["open", "closed"])
def test_open_and_closed_modes(app, user, mode):
    app.config["REGISTRATION"] = mode
    response = register(app.test_client(), "cara")
    assert response.status_code == (302 if mode == "open" else 403)


# --- administration ------------------------------------------------------------------------

def test_the_admin_page_lists_accounts_without_anyones_words(admin_client, user, other_user,
                                                           make_entry):
    make_entry(other_user, "Bo's secret diary text", title="Secret title",
               tags="hidden-tag")
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert "bo" in page and "ana" in page
    assert "Secret title" not in page and "secret diary" not in page
    assert "hidden-tag" not in page
    assert re.search(r'<td class="num">1</td>', page)


def test_non_admins_and_visitors_get_404_or_the_login(app, other_user, login, client):
    assert client.get("/admin/").status_code == 302
    login(other_user, OTHER_PASSWORD)
    for method, url in [("get", "/admin/"), ("post", "/admin/invites"),
                        ("post", "/admin/users/1/active"), ("get", "/admin/users/1/delete")]:
        assert getattr(client, method)(url).status_code == 404


def test_an_admin_gets_404_for_another_users_entry(admin_client, other_user, make_entry):
    entry = make_entry(other_user, "private")
    assert admin_client.get(f"/entries/{entry.id}").status_code == 404
    assert admin_client.get(f"/entries/{entry.id}/edit").status_code == 404


def test_disabling_ends_live_sessions_and_remember_cookies(app, admin_client, other_user):
    victim = app.test_client()
    victim.post("/auth/login", data={"username": "bo", "password": OTHER_PASSWORD,
                                     "remember": "y"})
    remembered = victim.get_cookie("remember_token").value
    assert victim.get("/entries/").status_code == 200
    admin_client.post(f"/admin/users/{other_user.id}/active", data={"active": "0"})
    assert victim.get("/entries/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("remember_token", remembered)
    assert replay.get("/entries/").status_code == 302
    response = app.test_client().post("/auth/login", data={"username": "bo",
                                                           "password": OTHER_PASSWORD})
    assert "do not match an account" in response.get_data(as_text=True)
    admin_client.post(f"/admin/users/{other_user.id}/active", data={"active": "1"})
    assert app.test_client().post("/auth/login", data={
        "username": "bo", "password": OTHER_PASSWORD}).status_code == 302


def test_the_last_admin_cannot_be_revoked_or_disabled(admin_client, user):
    page = admin_client.post(f"/admin/users/{user.id}/admin", data={"admin": "0"},
                             follow_redirects=True).get_data(as_text=True)
    assert "at least one administrator" in page
    db.session.refresh(user)
    assert user.is_admin


def test_granting_and_revoking_admin(admin_client, other_user):
    admin_client.post(f"/admin/users/{other_user.id}/admin", data={"admin": "1"})
    db.session.refresh(other_user)
    assert other_user.is_admin
    admin_client.post(f"/admin/users/{other_user.id}/admin", data={"admin": "0"})
    db.session.refresh(other_user)
    assert not other_user.is_admin


def test_deleting_an_account_needs_the_typed_username(admin_client, other_user, make_entry):
    make_entry(other_user, "will be gone", tags="gone")
    response = admin_client.post(f"/admin/users/{other_user.id}/delete",
                                 data={"confirm_username": "nope"})
    assert response.status_code == 400 and count(User) == 2
    response = admin_client.post(f"/admin/users/{other_user.id}/delete",
                                 data={"confirm_username": "BO"})
    assert response.status_code == 302
    assert count(User) == 1 and count(Entry) == 0 and count(Tag) == 0


def test_a_password_link_works_once_and_ends_every_session(app, admin_client, other_user):
    victim = app.test_client()
    victim.post("/auth/login", data={"username": "bo", "password": OTHER_PASSWORD})
    page = admin_client.post(f"/admin/users/{other_user.id}/reset").get_data(as_text=True)
    token = link_token(page, "/auth/reset/")
    holder = app.test_client()
    form = holder.get(f"/auth/reset/{token}").get_data(as_text=True)
    assert "Set a new password" in form
    weak = holder.post(f"/auth/reset/{token}", data={"password": "short", "confirm": "short"})
    assert weak.status_code == 200 and "at least 12" in weak.get_data(as_text=True)
    done = holder.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD,
                                                     "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert victim.get("/entries/").status_code == 302
    assert count(UserSession) == 1  # only the admin's
    assert holder.get(f"/auth/reset/{token}").status_code == 404
    assert app.test_client().post("/auth/login", data={
        "username": "bo", "password": NEW_PASSWORD}).status_code == 302


def test_a_password_link_lets_a_locked_out_account_sign_in_at_once(app, admin_client,
                                                                   other_user):
    guesser = app.test_client()
    for _ in range(5):
        guesser.post("/auth/login", data={"username": "bo", "password": "a wrong guess!"})
    owner = app.test_client()
    paused = owner.post("/auth/login", data={"username": "bo", "password": OTHER_PASSWORD})
    assert paused.status_code == 429
    page = admin_client.post(f"/admin/users/{other_user.id}/reset").get_data(as_text=True)
    token = link_token(page, "/auth/reset/")

    done = owner.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD,
                                                    "confirm": NEW_PASSWORD})

    assert done.status_code == 302
    signed_in = owner.post("/auth/login", data={"username": "bo", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_a_password_link_expires_after_24_hours(app, admin_client, other_user):
    page = admin_client.post(f"/admin/users/{other_user.id}/reset").get_data(as_text=True)
    token = link_token(page, "/auth/reset/")
    reset = db.session.scalar(select(PasswordReset))
    assert reset.expires_at - reset.created_at <= timedelta(hours=24)
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert app.test_client().get(f"/auth/reset/{token}").status_code == 404


def test_last_seen_is_recorded_at_sign_in(app, other_user, login):
    assert other_user.last_seen_at is None
    login(other_user, OTHER_PASSWORD)
    db.session.refresh(other_user)
    assert other_user.last_seen_at is not None
