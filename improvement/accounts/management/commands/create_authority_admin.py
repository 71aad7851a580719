from getpass import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from improvement.accounts.models import Authority, User
from improvement.accounts.roles import Role


class Command(BaseCommand):
    help = "Create a local authority (if new) and its first LA administrator account."

    def add_arguments(self, parser) -> None:
        parser.add_argument("code", help="3-digit LA code, like 331")
        parser.add_argument("name", help="Authority name, like 'Coventry City Council'")
        parser.add_argument("--email", required=True)
        parser.add_argument("--full-name", required=True)

    def handle(self, *args, code: str, name: str, email: str, full_name: str, **options) -> None:
        email = email.strip().lower()
        if User.objects.filter(email=email).exists():
            raise CommandError(f"An account for {email} already exists.")
        authority = Authority(code=code, name=name)
        existing = Authority.objects.filter(code=code).first()
        if existing is None:
            try:
                authority.full_clean()
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
        password = getpass("Password for the new administrator: ")
        user = User(email=email, full_name=full_name, role=Role.LA_ADMIN)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        with transaction.atomic():
            if existing is None:
                authority.save()
            user.authority = existing or authority
            user.set_password(password)
            user.full_clean()
            user.save()
        self.stdout.write(self.style.SUCCESS(f"Created LA administrator {email} for {user.authority}."))
