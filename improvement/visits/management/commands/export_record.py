"""python manage.py export_record ID --format docx|pdf --output PATH

Writes one visit record as Word or PDF, exactly as the download in the service. Run by an
administrator on the server, so it is not scoped to a user; it shows every section (as the
senior adviser's view does)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from improvement.accounts.roles import Role
from improvement.visits import exports, selectors
from improvement.visits.models import Visit


class Command(BaseCommand):
    help = "Export a visit record to Word (.docx) or PDF."

    def add_arguments(self, parser) -> None:
        parser.add_argument("visit_id", type=int, help="The visit's id (as in /visits/ID/).")
        parser.add_argument("--format", choices=("docx", "pdf"), required=True, dest="fmt")
        parser.add_argument("--output", required=True, help="The file to write.")

    def handle(self, *args, visit_id: int, fmt: str, output: str, **options) -> None:
        visit = (
            Visit.objects.select_related("school__authority", "record")
            .prefetch_related("officers")
            .filter(pk=visit_id)
            .first()
        )
        if visit is None:
            raise CommandError(f"There is no visit with id {visit_id}.")
        view = selectors.record_display(visit=visit, role=Role.SENIOR_ADVISER)
        body = exports.to_docx(view) if fmt == "docx" else exports.to_pdf(view)
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        path.write_bytes(body)
        self.stdout.write(f"Wrote {path} ({len(body):,} bytes)")
