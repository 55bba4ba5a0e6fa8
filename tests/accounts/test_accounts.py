"""Demo accounts: passwords from the environment or generated once and printed once."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate as django_authenticate
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


def authenticate(**credentials):
    """django-axes checks every sign-in against its request (ADR 0011), so give it one."""
    return django_authenticate(RequestFactory().post(reverse("accounts:sign_in")), **credentials)


@pytest.fixture
def no_accounts(db):
    get_user_model().objects.filter(username__in=["admin", "editor", "reviewer"]).delete()


def test_passwords_come_from_the_environment(no_accounts, monkeypatch):
    monkeypatch.setenv("CAREGUIDE_ADMIN_PASSWORD", "admin-pass-from-env-123")
    monkeypatch.setenv("CAREGUIDE_EDITOR_PASSWORD", "editor-pass-from-env-123")
    monkeypatch.delenv("CAREGUIDE_REVIEWER_PASSWORD", raising=False)
    out = StringIO()
    call_command("setup_demo_accounts", stdout=out)
    text = out.getvalue()
    assert "admin-pass-from-env-123" not in text
    assert authenticate(username="admin", password="admin-pass-from-env-123").is_superuser
    assert authenticate(username="editor", password="editor-pass-from-env-123") is not None
    generated = text.split("reviewer: created. Password (shown once, not stored anywhere else): ")[1].split()[0]
    assert len(generated) >= 16
    assert authenticate(username="reviewer", password=generated) is not None


def test_second_run_changes_and_prints_no_password(no_accounts):
    call_command("setup_demo_accounts", stdout=StringIO())
    hashes = dict(get_user_model().objects.values_list("username", "password"))
    out = StringIO()
    call_command("setup_demo_accounts", stdout=out)
    assert "Password" not in out.getvalue()
    # admin, editor, reviewer, nurse, oncologist, the primary-care doctor and the demo patient
    assert out.getvalue().count("already exists (password unchanged)") == 7
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes


def test_roles(db):
    # The demo accounts themselves are what this checks (setup_demo_accounts ran for the session).
    editor, reviewer = (get_user_model().objects.get(username=name) for name in ("editor", "reviewer"))
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert list(reviewer.groups.values_list("name", flat=True)) == ["Clinical reviewers"]
    assert reviewer.clinical_profile.role_title == "Medical oncologist"
    assert not editor.is_superuser and editor.has_perm("wagtailadmin.access_admin")
