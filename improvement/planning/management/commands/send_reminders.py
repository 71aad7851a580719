"""`python manage.py send_reminders`: run daily by cron. See improvement/planning/reminders.py."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from improvement.planning.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail today's reminders (never the same reminder twice); weekly digests go on Mondays."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="the day to act as, YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="count what would be sent; send nothing")

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today must be a date like 2026-03-27.") from error
        outcome = send_reminders(today=today, dry_run=options["dry_run"])
        verb = "Would send" if options["dry_run"] else "Sent"
        self.stdout.write(f"{verb} {outcome.reminders} reminder(s) in {outcome.emails} e-mail(s); "
                          f"{outcome.held_for_digest} held for weekly digests.")
