"""Support and intervention processes: School Improvement Boards, Progress Check-Ins and Round
Table Meetings, their boards, their minuted meetings, pre-read packs and escalation decisions.

A Process is a case on a school. Its status changes only through services, each one an
immutable ProcessStatusChange with the reason. A Meeting's minutes are a structured record from
the record template engine (the same engine and content shape as visit records), with a
`version` for optimistic locking and an immutable MeetingStatusChange per step. Decisions are
written once and never changed.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from improvement.core.scoping import ScopedQuerySet
from improvement.policy import record_templates
from improvement.visits.models import ImmutableRow


class ProcessKind(models.TextChoices):
    SIB = "sib", "School Improvement Board"
    PCI = "pci", "Progress Check-In"
    RTM = "rtm", "Round Table Meetings"


class ProcessStatus(models.TextChoices):
    OPEN = "open", "Open"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


class ClosedHow(models.TextChoices):
    """How a closed process ended; the policy engine treats an exit differently from a closure."""

    EXITED = "exited", "Exited successfully"
    INSPECTION = "inspection", "Closed by the school's next Ofsted inspection"
    OTHER = "other", "Closed"


LIVE_STATUSES = (ProcessStatus.OPEN, ProcessStatus.PAUSED)


class Process(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="processes")
    kind = models.CharField(max_length=10, choices=ProcessKind.choices)
    status = models.CharField(max_length=10, choices=ProcessStatus.choices, default=ProcessStatus.OPEN)
    opened_on = models.DateField()
    reason = models.TextField("why the process was started")
    chair = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="processes_chaired")
    # Coventry marks SIB and PCI records "Private & Confidential": only the board and senior
    # advisers may read them. Taken from the meeting templates when the process is opened.
    private_and_confidential = models.BooleanField(default=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_how = models.CharField(max_length=12, choices=ClosedHow.choices, blank=True)
    # A PCI begun at a SIB exit meeting points back to the SIB it followed.
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opened_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = "school_id"

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name_plural = "processes"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind"], condition=models.Q(status__in=["open", "paused"]),
                name="one_live_process_of_each_kind_per_school",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.school.name}"

    def get_absolute_url(self) -> str:
        return reverse("interventions:process", kwargs={"pk": self.pk})

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class ProcessStatusChange(ImmutableRow):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=ProcessStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ProcessStatus.choices)
    reason = models.TextField()
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "process__school__authority_id"
    scope_school_path = "process__school_id"

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "process status change"


class BoardRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    HEADTEACHER = "headteacher", "Headteacher"
    CHAIR_OF_GOVERNORS = "chair_of_governors", "Chair of governors"
    NETWORK_LEAD = "network_lead", "Network lead"
    MONITORING_OFFICER = "monitoring_officer", "Monitoring officer"
    OTHER = "other", "Other member"


class BoardMember(models.Model):
    """A member of a process's board. Members with an account can read its confidential records;
    members without one (a deputy headteacher, a governor) are listed by name."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="board_seats")
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=BoardRole.choices)
    role_detail = models.CharField("role (as the board knows it)", max_length=200, blank=True)
    added_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "process__school__authority_id"
    scope_school_path = "process__school_id"

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "user"], condition=models.Q(user__isnull=False, left_at__isnull=True),
                name="one_current_seat_per_user_per_board",
            )
        ]

    def __str__(self) -> str:
        who = str(self.user) if self.user_id else self.name
        return f"{who} ({self.role_detail or self.get_role_display()})"

    def clean(self) -> None:
        if not self.user_id and not self.name.strip():
            raise ValidationError({"name": "Enter the member's name or choose an account."})


class MeetingKind(models.TextChoices):
    SIB_ENTRY = "sib_entry", "School Improvement Board: entry meeting"
    SIB_STANDARD = "sib_standard", "School Improvement Board: standard meeting"
    SIB_EXIT = "sib_exit", "School Improvement Board: exit meeting"
    PCI = "pci", "Progress Check-In meeting"
    RTM = "rtm", "Round Table Meeting"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DRAFT = "draft", "Held: minutes in draft"
    SENT = "sent_for_accuracy_check", "Sent for accuracy check"
    ACCURATE = "accurate", "Confirmed accurate by the headteacher"
    COMMENTED = "commented", "Headteacher's comments received"
    FINALISED = "finalised", "Finalised"
    SHARED = "shared", "Shared with the board"
    CANCELLED = "cancelled", "Cancelled"


class Outcome(models.TextChoices):
    """What the board agreed; each one sets the next step (see interventions/outcomes.py)."""

    NEXT_HALF_TERM = "next_half_term", "Remain within the SIB process with the next meeting next half-term"
    NEXT_TERM = "next_term", "Remain within the SIB process with the next meeting next term"
    EXIT_AGENDA = "exit_agenda", "Set the next meeting within the SIB process as having an exit agenda"
    EXIT_TO_PCI = "exit_to_pci", "Exit the SIB process and begin the Progress Check-In process"
    CONTINUE = "continue", "Continue: next meeting next term"


class Meeting(models.Model):
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    number = models.PositiveIntegerField()
    template_key = models.CharField("record template", max_length=100)
    template_version = models.PositiveIntegerField()
    starts_at = models.DateTimeField("date and time")
    duration_minutes = models.PositiveIntegerField(default=90)
    venue = models.CharField(max_length=300)
    status = models.CharField(max_length=30, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    # The minutes: {field key: value}, as VisitRecord.content; `version` guards every save.
    content = models.JSONField(default=dict, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    action_reviews = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    confident_good = models.CharField(
        "confident of a Good judgement at the next inspection", max_length=3,
        choices=[("yes", "Yes"), ("no", "No")], blank=True,
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    next_meeting = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="previous_meeting")
    pre_reads_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "process__school__authority_id"
    scope_school_path = "process__school_id"

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="one_meeting_number_per_process"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.process.school.name}, {self.starts_at:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("interventions:meeting", kwargs={"pk": self.pk})

    @property
    def template(self) -> record_templates.RecordTemplate:
        return record_templates.get_template(self.template_key, self.template_version)

    @property
    def is_locked(self) -> bool:
        return self.status in (MeetingStatus.FINALISED, MeetingStatus.SHARED)

    @property
    def school(self):
        return self.process.school

    @property
    def pre_reads_due_on(self) -> date | None:
        """When the pre-read pack goes to the board: its template's days before the meeting."""
        days = self.template.pre_read_days
        return None if days is None else timezone.localtime(self.starts_at).date() - timedelta(days=days)


class MeetingStatusChange(ImmutableRow):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=30, choices=MeetingStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=MeetingStatus.choices)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    # The headteacher's accuracy comments, section by section: {section key: comment}.
    section_comments = models.JSONField(default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "meeting__process__school__authority_id"
    scope_school_path = "meeting__process__school_id"

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "meeting status change"


class BoardPack(ImmutableRow):
    """A compiled pre-read pack: one PDF with a contents page. Each compilation is a new row."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    pdf = models.BinaryField()
    # [{"title", "kind", "first_page", "pages", "note"}]: what the contents page lists.
    contents = models.JSONField(default=list)
    pages = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    compiled_at = models.DateTimeField(auto_now_add=True)
    # None when compiled by the scheduled job a week before the meeting.
    compiled_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "meeting__process__school__authority_id"
    scope_school_path = "meeting__process__school_id"

    class Meta:
        ordering = ["-compiled_at", "-pk"]
        verbose_name = "board pack"


class DecisionKind(models.TextChoices):
    WARNING_NOTICE = "warning_notice", "Warning notice step (school causing concern)"
    SIB_ENTRY = "sib_entry", "Enter the School Improvement Board process (focus school)"


class DecisionGrounds(models.TextChoices):
    LACK_OF_ENGAGEMENT = "lack_of_engagement", "Lack of engagement"
    INSUFFICIENT_PROGRESS = "insufficient_progress", "Insufficient progress"


class EscalationDecision(ImmutableRow):
    """An escalation, written once: it locks as soon as it is recorded."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="escalations")
    process = models.ForeignKey(Process, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    grounds = models.CharField(max_length=30, choices=DecisionGrounds.choices)
    outcome = models.TextField()
    reasons = models.TextField()
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField()
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Escalations are LA business: school-side users do not see them.
    scope_authority_path = "school__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = "escalation decision"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.school.name}, {self.decided_on:%d %B %Y}"
