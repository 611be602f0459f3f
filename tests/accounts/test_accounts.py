import pytest
from sqlalchemy import select

from mpp_digital.accounts import operations as ops
from mpp_digital.accounts.models import Role, User
from mpp_digital.extensions import db

from ..factories import NOW, PASSWORD, csrf_token, login, staff


@pytest.fixture
def clerk(app):
    with app.app_context():
        user = staff("petugas@kediri.test", Role.CLERK)
        db.session.commit()
        return user.id


def test_passwords_are_stored_as_scrypt_hashes_and_short_ones_refused(ctx):
    user = staff("x@kediri.test", Role.CLERK)
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    with pytest.raises(ops.AccountRefused):
        ops.create_user(db.session, "y@kediri.test", "Y", "pendek", Role.CLERK,
                        NOW.replace(tzinfo=None), mpp_id=user.mpp_id, agency_id=user.agency_id)
    with pytest.raises(ops.AccountRefused):
        staff("X@Kediri.test", Role.CLERK)                     # e-mails are case-insensitive


def test_login_with_the_right_password_only(client, clerk):
    assert login(client, "petugas@kediri.test", "salah-sekali-123").status_code == 401
    assert login(client, "tidak.ada@kediri.test").status_code == 401
    response = login(client, "PETUGAS@kediri.test")
    assert response.headers["Location"] == "/staf"
    assert "Loket" in client.get("/staf").get_data(as_text=True)


def test_login_starts_a_new_session(strict_app):
    with strict_app.app_context():
        staff("petugas@kediri.test", Role.CLERK)
        db.session.commit()
    client = strict_app.test_client()
    client.get("/staf/masuk")                                   # a session with a CSRF token
    before = client.get_cookie("session").value
    login(client, "petugas@kediri.test")
    assert client.get_cookie("session").value != before


def test_logout_ends_the_session_everywhere(app, client, clerk):
    login(client, "petugas@kediri.test")
    stolen = client.get_cookie("session").value
    page = client.get("/staf").get_data(as_text=True)
    client.post("/staf/keluar", data={"csrf_token": csrf_token(page)})
    other = app.test_client()
    other.set_cookie("session", stolen, domain="localhost")
    assert other.get("/staf").headers["Location"].startswith("/staf/masuk")


def test_deactivating_an_account_ends_its_sessions(app, client, clerk):
    login(client, "petugas@kediri.test")
    assert client.get("/staf").status_code == 200
    with app.app_context():
        user = db.session.get(User, clerk)
        ops.deactivate(db.session, user, None, NOW.replace(tzinfo=None))
        db.session.commit()
    assert client.get("/staf").status_code == 302
    assert login(client, "petugas@kediri.test").status_code == 401


def test_the_demo_accounts_exist_with_the_printed_password(app):
    runner = app.test_cli_runner()
    with app.app_context():
        from mpp_digital.cli import demo_accounts
        accounts = demo_accounts("sandi-demo-yang-panjang", "sandi-admin-sendiri-99")
        db.session.commit()
        roles = {role for _, role in accounts}
        assert roles == {"national_admin", "mpp_manager", "clerk"}
        assert ops.authenticate(db.session, "pengelola@kota-kediri.demo.mpp",
                                "sandi-demo-yang-panjang") is not None
        # The national admin has a password of its own, not the one every hall's staff share.
        assert ops.authenticate(db.session, "admin@demo.mpp", "sandi-demo-yang-panjang") is None
        assert ops.authenticate(db.session, "admin@demo.mpp", "sandi-admin-sendiri-99")
        clerk_user = db.session.scalar(select(User).where(
            User.email == "petugas.disdukcapil@kota-kediri.demo.mpp"))
        assert clerk_user.counters and clerk_user.agency.slug == "disdukcapil"
    assert runner is not None
