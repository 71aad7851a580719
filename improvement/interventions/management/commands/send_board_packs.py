"""`python manage.py send_board_packs`: run daily by cron (see docs/interventions.md).

Compiles and sends the pre-read pack for every scheduled meeting of an open process in the next
7 days whose pack has not been sent (improvement/interventions/boardpacks.py). Idempotent: a
meeting whose pre-reads were sent (by this job or by the chair's "send the pack now") is
skipped, re-checked under a row lock so two runs at once never send twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from improvement.interventions import boardpacks
from improvement.interventions.models import Meeting


@dataclass
class Result:
    sent: list[tuple[Meeting, int]] = field(default_factory=list)  # (meeting, pages)
    skipped: list[Meeting] = field(default_factory=list)
    refused: list[tuple[Meeting, str]] = field(default_factory=list)


def describe(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    return f"{meeting.get_kind_display()} at {meeting.process.school.name}, {start:%-d %B %Y %H:%M}"


def send_due(meetings: list[Meeting], *, dry_run: bool, base_url: str) -> Result:
    result = Result()
    for meeting in meetings:
        if dry_run:
            result.sent.append((meeting, 0))
            continue
        link = f"{base_url.rstrip('/')}{meeting.get_absolute_url()}" if base_url else ""
        try:
            with transaction.atomic():
                locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
                if locked.pre_reads_sent_at is not None:
                    result.skipped.append(meeting)
                    continue
                pack = boardpacks.send_board_pack(actor=None, meeting=locked, link=link)
        except ValidationError as error:  # cancelled or held since the list was read
            result.refused.append((meeting, " ".join(error.messages)))
            continue
        result.sent.append((meeting, pack.pages))
    return result


class Command(BaseCommand):
    help = ("Compile and send the pre-read pack for each meeting in the next 7 days that has none yet "
            "(run daily; a meeting whose pack was sent is skipped).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="the day to act as, YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="list the packs that would be sent; write nothing")
        parser.add_argument("--base-url", default="",
                            help="the service's address, e.g. https://sim.example.gov.uk, so the e-mails link "
                            "to the meeting (default: the e-mails say to sign in)")

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today must be a date like 2026-03-27.") from error
        due = list(boardpacks.meetings_due_a_pack(today))
        if not due:
            self.stdout.write("No board packs are due.")
            return
        dry_run = options["dry_run"]
        result = send_due(due, dry_run=dry_run, base_url=options["base_url"])
        for meeting, pages in result.sent:
            if dry_run:
                self.stdout.write(f"Would send the board pack for {describe(meeting)}")
            else:
                self.stdout.write(f"Sent the board pack for {describe(meeting)} ({pages} pages)")
        for meeting in result.skipped:
            self.stdout.write(f"Skipped {describe(meeting)}: its pack was sent meanwhile")
        for meeting, reason in result.refused:
            self.stderr.write(f"Not sent for {describe(meeting)}: {reason}")
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(f"{len(result.sent)} pack(s) {verb}, {len(result.skipped)} skipped, "
                          f"{len(result.refused)} refused.")
