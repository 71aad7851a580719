import pytest
from django.core.management import CommandError, call_command

from improvement.accounts.models import Authority, User

STRONG = "a-long-unguessable-passphrase"


@pytest.fixture
def typed_password(monkeypatch):
    def use(password: str) -> None:
        monkeypatch.setattr(
            "improvement.accounts.management.commands.create_authority_admin.getpass",
            lambda prompt: password,
        )

    return use


@pytest.mark.django_db
def test_it_creates_the_authority_and_an_la_admin(typed_password):
    typed_password(STRONG)
    call_command("create_authority_admin", "331", "Example City", email="Admin@Example.test", full_name="A Admin")
    user = User.objects.get(email="admin@example.test")
    assert user.role == "la_admin"
    assert user.authority.code == "331"
    assert user.check_password(STRONG)


@pytest.mark.django_db
def test_it_reuses_an_existing_authority(typed_password):
    Authority.objects.create(code="331", name="Example City")
    typed_password(STRONG)
    call_command("create_authority_admin", "331", "Ignored", email="second@example.test", full_name="B Admin")
    assert Authority.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "password", "message"),
    [
        ("33", STRONG, "3 digits"),
        ("331", "short", "too short"),
        ("331", "password1234", "too common"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(typed_password, code, password, message):
    typed_password(password)
    with pytest.raises(CommandError, match=message):
        call_command("create_authority_admin", code, "Example City", email="x@example.test", full_name="X")
    assert not User.objects.exists()
    assert not Authority.objects.exists()


@pytest.mark.django_db
def test_an_existing_email_is_refused(typed_password):
    authority = Authority.objects.create(code="331", name="Example City")
    User.objects.create_user("taken@example.test", STRONG, full_name="T", authority=authority, role="la_viewer")
    typed_password(STRONG)
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_authority_admin", "331", "Example City", email="taken@example.test", full_name="X")
