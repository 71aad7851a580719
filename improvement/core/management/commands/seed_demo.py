from django.core.management.base import BaseCommand

from improvement.core.demo import DEMO_PASSWORD, seed_demo_authority


class Command(BaseCommand):
    help = "Create (or leave as it is) the fictional demo authority with schools and one user per role."

    def handle(self, *args, **options) -> None:
        summary = seed_demo_authority()
        self.stdout.write(self.style.SUCCESS(f"Demo authority: {summary.authority} with {summary.schools} schools."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email, sees in summary.users:
            self.stdout.write(f"  {role:<28} {email:<36} {sees}")
