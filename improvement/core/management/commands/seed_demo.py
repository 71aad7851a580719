from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from improvement.core.demo import DEMO_PASSWORD, seed_demo_authority


class Command(BaseCommand):
    help = "Create (or leave as it is) the fictional demo authority with schools and one user per role."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (demo users have a published password: never on live data).",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to seed demo users with a published password while DEBUG is off. "
                "Use --allow-production only on a throwaway demo server."
            )
        # The seeded records go through the real services, which e-mail heads and officers;
        # nobody should receive mail about demo data.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            summary = seed_demo_authority()
        self.stdout.write(self.style.SUCCESS(f"Demo authority: {summary.authority} with {summary.schools} schools."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email, sees in summary.users:
            self.stdout.write(f"  {role:<28} {email:<36} {sees}")
