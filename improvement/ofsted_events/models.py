"""Ofsted inspection events: notifications, the section 5 feedback form, HMI monitoring visit
feedback and subject, theme or survey inspection feedback (Kent improvement partner handbook
2009/10, sections 16 and 17).

Everything here is LA intelligence (school-side users see none of it), except that a section 5
feedback form becomes readable by the school's headteacher once the report is confirmed
published (the handbook: "the form remains confidential until the final report is
published"). Writes go through services.py, which keeps each row's history.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from improvement.core.scoping import ScopedQuerySet
from improvement.ofsted_events import judgements
from improvement.policy import frameworks

SUBJECT_SURVEY = "subject_survey"
NOTIFICATION_TYPES: tuple[tuple[str, str], ...] = (
    *frameworks.INSPECTION_TYPES,
    (SUBJECT_SURVEY, "Subject, theme or survey inspection"),
)
# Which feedback form follows each kind of inspection.
SECTION_5, HMI_VISIT, SUBJECT = "section_5", "hmi_visit", "subject"
FORM_FOR_TYPE = {
    frameworks.FULL: SECTION_5,
    frameworks.UNGRADED: HMI_VISIT,
    frameworks.MONITORING: HMI_VISIT,
    frameworks.FOCUSED_MONITORING: HMI_VISIT,
    SUBJECT_SURVEY: SUBJECT,
}


class OfstedNotification(models.Model):
    """Ofsted's call telling the school of an inspection, as logged by the LA."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="ofsted_notifications")
    called_at = models.DateTimeField("date and time of Ofsted's call")
    inspection_type = models.CharField(max_length=30, choices=NOTIFICATION_TYPES)
    inspection_starts_on = models.DateField("inspection start date")
    lead_inspector = models.CharField(max_length=200)
    told_by = models.CharField("who told the LA", max_length=200)
    told_la_at = models.DateTimeField("when the LA was told")
    notes = models.TextField(blank=True)
    logged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-inspection_starts_on", "-called_at", "-pk"]
        indexes = [models.Index(fields=["school", "inspection_starts_on"])]

    def __str__(self) -> str:
        return f"{self.get_inspection_type_display()} inspection notified for {self.inspection_starts_on:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("ofsted_events:notification_detail", kwargs={"urn": self.school.urn, "pk": self.pk})

    @property
    def form_kind(self) -> str:
        return FORM_FOR_TYPE.get(self.inspection_type, SECTION_5)


class InspectionFeedback(models.Model):
    """The section 5 inspection feedback form: the school's self-evaluation beside Ofsted's
    grade at feedback, for every judgement area of the era. Recording it adds a provisional
    inspection to the school's history; confirming publication makes that inspection final."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="inspection_feedback")
    notification = models.OneToOneField(
        OfstedNotification, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_form"
    )
    inspection = models.OneToOneField(
        "inspections.Inspection", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_form"
    )
    era = models.CharField("framework", max_length=30, choices=frameworks.ERA_CHOICES)
    inspection_date = models.DateField("inspection start date")
    lead_inspector = models.CharField(max_length=200)
    main_findings = models.TextField()
    improvements = models.TextField("what the school must do to improve", blank=True)
    category_of_concern = models.CharField(max_length=40, blank=True, choices=frameworks.ALL_CATEGORIES)
    comments = models.TextField("comments on the inspection", blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    # The headteacher may read the school's form once the report is published; views and
    # selectors narrow school-side users to published forms.
    scope_school_path = "school_id"

    class Meta:
        ordering = ["-inspection_date", "-pk"]
        indexes = [models.Index(fields=["school", "inspection_date"]), models.Index(fields=["inspection_date"])]
        verbose_name = "inspection feedback form"

    def __str__(self) -> str:
        return f"Inspection feedback form, {self.inspection_date:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("ofsted_events:feedback_detail", kwargs={"urn": self.school.urn, "pk": self.pk})

    @property
    def framework(self) -> frameworks.Era:
        return frameworks.get_era(self.era)

    @property
    def is_published(self) -> bool:
        """The report is published: the inspection in the history is no longer provisional."""
        return self.inspection is not None and not self.inspection.is_provisional

    @property
    def is_provisional(self) -> bool:
        return self.inspection is not None and self.inspection.is_provisional

    @property
    def publication_date(self):
        return self.inspection.publication_date if self.inspection else None


class FeedbackGrade(models.Model):
    """One judgement area of a feedback form: the school's grade, Ofsted's, and why they differ."""

    feedback = models.ForeignKey(InspectionFeedback, on_delete=models.CASCADE, related_name="grades")
    area = models.CharField(max_length=60)
    self_evaluation = models.CharField("school's self-evaluation", max_length=40, blank=True)
    ofsted_grade = models.CharField("Ofsted's grade at feedback", max_length=40, blank=True)
    commentary = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "feedback__school__authority_id"
    scope_school_path = None  # read through the form, never listed for school-side users

    class Meta:
        ordering = ["feedback", "pk"]
        constraints = [models.UniqueConstraint(fields=["feedback", "area"], name="one_grade_row_per_feedback_area")]

    def __str__(self) -> str:
        return f"{self.area}: {self.self_evaluation or '-'} / {self.ofsted_grade or '-'}"


class MonitoringContext(models.TextChoices):
    BELOW_GOOD = "below_good", "After a requires improvement (or satisfactory) judgement"
    CATEGORY = "category", "A school in a category of concern (special measures, notice to improve, serious weaknesses)"
    OTHER = "other", "Other monitoring or section 8 inspection"


class MonitoringVisitFeedback(models.Model):
    """HMI monitoring visit feedback: key issues with HMI's 1-4 judgement and the overall
    progress judgement (handbook section 17, the two HMI monitoring visit forms)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="monitoring_feedback")
    notification = models.OneToOneField(
        OfstedNotification, null=True, blank=True, on_delete=models.SET_NULL, related_name="monitoring_feedback"
    )
    visit_date = models.DateField("first day of the visit")
    context = models.CharField("why HMI visited", max_length=20, choices=MonitoringContext.choices)
    lead_inspector = models.CharField(max_length=200)
    days = models.DecimalField("days on site", max_digits=3, decimal_places=1)
    lessons_observed = models.PositiveSmallIntegerField(null=True, blank=True)
    overall_progress = models.CharField(max_length=40)
    summary = models.TextField("other feedback", blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-visit_date", "-pk"]
        verbose_name = "HMI monitoring visit feedback"
        verbose_name_plural = "HMI monitoring visit feedback"

    def __str__(self) -> str:
        return f"HMI monitoring visit, {self.visit_date:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("ofsted_events:monitoring_detail", kwargs={"urn": self.school.urn, "pk": self.pk})

    @property
    def framework(self) -> frameworks.Era | None:
        return frameworks.era_for_date(self.visit_date)

    @property
    def overall_progress_label(self) -> str:
        return judgements.progress_label(self.overall_progress)


class MonitoringKeyIssue(models.Model):
    feedback = models.ForeignKey(MonitoringVisitFeedback, on_delete=models.CASCADE, related_name="key_issues")
    position = models.PositiveSmallIntegerField()
    key_issue = models.TextField()
    hmi_judgement = models.PositiveSmallIntegerField("HMI judgement")
    comments = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["feedback", "position"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "position"], name="one_key_issue_per_position"),
            models.CheckConstraint(condition=models.Q(hmi_judgement__gte=1, hmi_judgement__lte=4),
                                   name="key_issue_judgement_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"Key issue {self.position}"

    @property
    def judgement_label(self) -> str:
        return judgements.hmi_judgement_label(self.feedback.framework, self.hmi_judgement)


class SubjectFeedback(models.Model):
    """Subject, theme or survey inspection feedback: the focus, the outcomes and HMI's
    judgement if one was given."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="subject_feedback")
    notification = models.OneToOneField(
        OfstedNotification, null=True, blank=True, on_delete=models.SET_NULL, related_name="subject_feedback"
    )
    inspection_date = models.DateField("first day of the inspection")
    lead_inspector = models.CharField(max_length=200)
    focus = models.CharField("focus of the inspection", max_length=300)
    outcomes = models.TextField()
    hmi_judgement = models.PositiveSmallIntegerField("HMI judgement", null=True, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_authority_path = "school__authority_id"
    scope_school_path = None

    class Meta:
        ordering = ["-inspection_date", "-pk"]
        verbose_name = "subject, theme or survey inspection feedback"
        verbose_name_plural = "subject, theme or survey inspection feedback"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hmi_judgement__isnull=True) | models.Q(hmi_judgement__gte=1, hmi_judgement__lte=4),
                name="subject_judgement_1_to_4",
            )
        ]

    def __str__(self) -> str:
        return f"{self.focus} inspection, {self.inspection_date:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("ofsted_events:subject_detail", kwargs={"urn": self.school.urn, "pk": self.pk})

    @property
    def framework(self) -> frameworks.Era | None:
        return frameworks.era_for_date(self.inspection_date)

    @property
    def judgement_label(self) -> str:
        return judgements.hmi_judgement_label(self.framework, self.hmi_judgement)
