"""Forms for Ofsted inspection events. They parse and present; the rules (dates in order,
commentary where grades differ, grades on the era's scale) live in services.py, whose errors
land on the fields named here."""

from __future__ import annotations

from datetime import date, datetime, time

from django import forms
from django.utils import timezone

from improvement.core.forms import GovukDateField, GovukDateWidget, GovukRadioSelect
from improvement.ofsted_events import judgements
from improvement.ofsted_events.models import (
    NOTIFICATION_TYPES,
    InspectionFeedback,
    MonitoringContext,
    MonitoringVisitFeedback,
    OfstedNotification,
    SubjectFeedback,
)
from improvement.ofsted_events.services import (
    FeedbackDetails,
    GradeEntry,
    KeyIssueEntry,
    MonitoringDetails,
    NotificationDetails,
    SubjectDetails,
)
from improvement.policy import frameworks
from improvement.policy.calendar import academic_year_name, academic_year_of, academic_year_start
from improvement.schools.models import Phase

TIME_FORMATS = ("%H:%M", "%H.%M", "%I:%M%p", "%I.%M%p", "%I:%M %p", "%I.%M %p", "%I%p", "%I %p")
TEXT = {"rows": 5}


def parse_time(text: str) -> time | None:
    """14:30, 14.30, 2:30pm, 2.30 pm, 9am; None if it is none of these."""
    text = text.strip().lower().replace("noon", "12:00pm")
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    return None


class GovukDateTimeWidget(GovukDateWidget):
    """The GOV.UK date input with a fourth box for the time."""

    template_name = "ofsted_events/widgets/datetime.html"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs)
        self.widgets_names = [*self.widgets_names, "_time"]
        self.widgets = [*self.widgets, forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"})]

    def decompress(self, value):
        if isinstance(value, datetime):
            local = timezone.localtime(value)
            return [local.day, local.month, local.year, local.strftime("%H:%M")]
        return [None, None, None, None]


class GovukDateTimeField(forms.MultiValueField):
    """Day, month, year and time; cleans to an aware datetime in the project's time zone."""

    widget = GovukDateTimeWidget

    def __init__(self, **kwargs) -> None:
        self.date_field = GovukDateField()
        fields = (forms.CharField(), forms.CharField(), forms.CharField(), forms.CharField())
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields, **kwargs)

    def clean(self, value) -> datetime | None:
        parts = [str(v).strip() if v is not None else "" for v in (value or ("", "", "", ""))]
        if not any(parts):
            if self.required:
                raise forms.ValidationError("Enter a date and time.", code="required")
            return None
        day = self.date_field.clean(parts[:3])
        if not parts[3]:
            raise forms.ValidationError("Enter the time, like 14:30 or 2:30pm.", code="incomplete")
        at = parse_time(parts[3])
        if at is None:
            raise forms.ValidationError("Enter a real time, like 14:30 or 2:30pm.", code="invalid")
        return timezone.make_aware(datetime.combine(day, at))

    def compress(self, data_list):  # clean() above does the work; required by the base class
        raise NotImplementedError


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# Notifications --------------------------------------------------------------------------------


class NotificationForm(forms.Form):
    called_at = GovukDateTimeField(label="When did Ofsted call the school?",
                                   help_text="For example, 9 3 2026 and 12:30")
    inspection_type = forms.ChoiceField(label="Type of inspection", choices=NOTIFICATION_TYPES,
                                        widget=GovukRadioSelect,
                                        error_messages={"required": "Choose the type of inspection."})
    inspection_starts_on = GovukDateField(label="When does the inspection start?",
                                          help_text="Usually the school day after the call")
    lead_inspector = forms.CharField(label="Lead inspector", max_length=200,
                                     error_messages={"required": "Enter the lead inspector's name."})
    told_by = forms.CharField(label="Who told the LA?", max_length=200,
                              help_text="For example, the headteacher or the school business manager",
                              error_messages={"required": "Enter who told the LA."})
    told_la_at = GovukDateTimeField(label="When was the LA told?")
    notes = forms.CharField(label="Notes", required=False, max_length=20_000, widget=_textarea(4))

    def __init__(self, *args, instance: OfstedNotification | None = None, **kwargs) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {name: getattr(instance, name) for name in (
                "called_at", "inspection_type", "inspection_starts_on", "lead_inspector", "told_by", "told_la_at",
                "notes")})
        super().__init__(*args, **kwargs)

    @property
    def details(self) -> NotificationDetails:
        return NotificationDetails(**{name: self.cleaned_data[name] for name in NotificationDetails.__dataclass_fields__})


# The section 5 feedback form ------------------------------------------------------------------


class InspectionDateForm(forms.Form):
    """Step 1 of a new feedback form: the date decides the framework, and so the judgements."""

    inspection_date = GovukDateField(label="When did the inspection start?",
                                     help_text="The date decides which framework's judgements the form asks for.")

    def clean_inspection_date(self) -> date:
        day = self.cleaned_data["inspection_date"]
        if day > timezone.localdate():
            raise forms.ValidationError("The inspection start date cannot be in the future.")
        if frameworks.era_for_date(day) is None:
            raise forms.ValidationError(
                f"Enter a date from {frameworks.ERAS[0].starts.day} {frameworks.ERAS[0].starts:%B %Y}, when section 5 "
                "inspections began.")
        return day


class FeedbackForm(forms.Form):
    """The school's self-evaluation beside Ofsted's grade at feedback, for each of the era's
    judgement areas (`<area>_self`, `<area>_ofsted`, `<area>_commentary`)."""

    era = forms.CharField(widget=forms.HiddenInput)
    inspection_date = GovukDateField(label="Inspection start date")
    lead_inspector = forms.CharField(label="Lead inspector", max_length=200,
                                     error_messages={"required": "Enter the lead inspector's name."})
    main_findings = forms.CharField(label="Main findings", max_length=50_000, widget=_textarea(8),
                                    error_messages={"required": "Enter the main findings."})
    improvements = forms.CharField(label="What the school must do to improve", required=False, max_length=50_000,
                                   widget=_textarea(6))
    category_of_concern = forms.ChoiceField(label="Category of concern", required=False, widget=GovukRadioSelect)
    comments = forms.CharField(label="Comments on the inspection", required=False, max_length=50_000,
                               widget=_textarea(5),
                               help_text="Including any concerns about the inspection process.")

    def __init__(self, *args, era: frameworks.Era, instance: InspectionFeedback | None = None, **kwargs) -> None:
        initial = kwargs.pop("initial", {}) or {}
        if instance is not None:
            initial = {
                "inspection_date": instance.inspection_date, "lead_inspector": instance.lead_inspector,
                "main_findings": instance.main_findings, "improvements": instance.improvements,
                "category_of_concern": instance.category_of_concern, "comments": instance.comments,
            }
            for grade in instance.grades.all():
                initial.update({f"{grade.area}_self": grade.self_evaluation, f"{grade.area}_ofsted": grade.ofsted_grade,
                                f"{grade.area}_commentary": grade.commentary})
        initial["era"] = era.key
        super().__init__(*args, initial=initial, **kwargs)
        self.era = era
        self.fields["category_of_concern"].choices = [("", "None"), *era.categories_of_concern]
        self.area_rows = []
        for area in era.areas:
            grades = [("", "Not graded"), *area.scale.choices()]
            invalid = {"invalid_choice": f"Choose a grade for {area.label} from the list."}
            self.fields[f"{area.key}_self"] = forms.ChoiceField(
                label="School's self-evaluation", required=False, choices=grades, error_messages=invalid)
            self.fields[f"{area.key}_ofsted"] = forms.ChoiceField(
                label="Ofsted's grade at feedback", required=False, choices=grades, error_messages=invalid)
            self.fields[f"{area.key}_commentary"] = forms.CharField(
                label="Commentary", required=False, max_length=20_000, widget=_textarea(3),
                help_text="Required where the school's grade and Ofsted's differ.")
            self.area_rows.append((area, f"{area.key}_self", f"{area.key}_ofsted", f"{area.key}_commentary"))

    @property
    def area_fields(self):
        """(area, self field, Ofsted field, commentary field) as bound fields, for the template."""
        return [(area, self[s], self[o], self[c]) for area, s, o, c in self.area_rows]

    @property
    def top_fields(self):
        return [self["inspection_date"], self["lead_inspector"]]

    @property
    def bottom_fields(self):
        return [self["main_findings"], self["improvements"], self["category_of_concern"], self["comments"]]

    @property
    def details(self) -> FeedbackDetails:
        data = self.cleaned_data
        return FeedbackDetails(
            era=self.era.key,
            inspection_date=data["inspection_date"],
            lead_inspector=data["lead_inspector"],
            grades=[GradeEntry(area.key, data.get(s, ""), data.get(o, ""), data.get(c, ""))
                    for area, s, o, c in self.area_rows],
            main_findings=data["main_findings"],
            improvements=data.get("improvements", ""),
            category_of_concern=data.get("category_of_concern", ""),
            comments=data.get("comments", ""),
        )


class ConfirmPublishedForm(forms.Form):
    publication_date = GovukDateField(label="When was the report published?")


# HMI monitoring visit feedback -----------------------------------------------------------------

KEY_ISSUE_ROWS = 8


class MonitoringForm(forms.Form):
    visit_date = GovukDateField(label="First day of the visit")
    context = forms.ChoiceField(label="Why did HMI visit?", choices=MonitoringContext.choices, widget=GovukRadioSelect,
                                error_messages={"required": "Choose why HMI visited."})
    lead_inspector = forms.CharField(label="Lead inspector", max_length=200,
                                     error_messages={"required": "Enter the lead inspector's name."})
    days = forms.DecimalField(label="Days on site", max_digits=3, decimal_places=1, min_value=0.5, max_value=10,
                              widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-3"}),
                              help_text="In half days, for example 1 or 1.5",
                              error_messages={"required": "Enter the days on site.",
                                              "invalid": "Enter the days on site as a number, like 1 or 1.5.",
                                              "min_value": "Enter at least half a day.",
                                              "max_value": "Enter 10 days or fewer.",
                                              "max_decimal_places": "Enter the days in half days, like 1 or 1.5."})
    lessons_observed = forms.IntegerField(label="Lessons or parts of lessons observed (optional)", required=False,
                                          min_value=0, max_value=500,
                                          widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                        "class": "govuk-input--width-3"}),
                                          error_messages={"invalid": "Enter the number of lessons as a whole number."})
    overall_progress = forms.ChoiceField(label="HMI's overall judgement", widget=GovukRadioSelect,
                                         error_messages={"required": "Choose HMI's overall judgement.",
                                                         "invalid_choice": "Choose HMI's overall judgement from the "
                                                                           "list."})
    summary = forms.CharField(label="Other feedback (optional)", required=False, max_length=50_000,
                              widget=_textarea(5))

    def __init__(self, *args, era: frameworks.Era | None, instance: MonitoringVisitFeedback | None = None,
                 **kwargs) -> None:
        initial = kwargs.pop("initial", {}) or {}
        if instance is not None:
            initial = {name: getattr(instance, name) for name in (
                "visit_date", "context", "lead_inspector", "days", "lessons_observed", "overall_progress", "summary")}
            for issue in instance.key_issues.all():
                initial.update({f"key_issue_{issue.position}": issue.key_issue,
                                f"hmi_judgement_{issue.position}": issue.hmi_judgement,
                                f"comments_{issue.position}": issue.comments})
        super().__init__(*args, initial=initial, **kwargs)
        self.era = era
        progress = judgements.progress_choices(era) if era else list(judgements.LATER_PROGRESS)
        self.fields["overall_progress"].choices = progress
        judgement_choices = [("", "Choose"), *judgements.hmi_judgement_choices(era)]
        self.issue_rows = []
        for n in range(1, KEY_ISSUE_ROWS + 1):
            self.fields[f"key_issue_{n}"] = forms.CharField(label=f"Key issue {n}", required=False, max_length=5_000,
                                                            widget=_textarea(2))
            self.fields[f"hmi_judgement_{n}"] = forms.TypedChoiceField(
                label="HMI judgement (1 to 4)", required=False, choices=judgement_choices, coerce=int,
                empty_value=None, error_messages={"invalid_choice": f"Choose HMI's judgement for key issue {n} from "
                                                                    "the list."})
            self.fields[f"comments_{n}"] = forms.CharField(label="Comments (optional)", required=False,
                                                           max_length=20_000, widget=_textarea(2))
            self.issue_rows.append(n)

    @property
    def top_fields(self):
        return [self[name] for name in ("visit_date", "context", "lead_inspector", "days", "lessons_observed")]

    @property
    def issue_fields(self):
        return [(n, self[f"key_issue_{n}"], self[f"hmi_judgement_{n}"], self[f"comments_{n}"])
                for n in self.issue_rows]

    @property
    def details(self) -> MonitoringDetails:
        data = self.cleaned_data
        return MonitoringDetails(
            visit_date=data["visit_date"], context=data["context"], lead_inspector=data["lead_inspector"],
            days=data["days"], lessons_observed=data.get("lessons_observed"),
            overall_progress=data["overall_progress"], summary=data.get("summary", ""),
            key_issues=[KeyIssueEntry(n, data.get(f"key_issue_{n}", ""), data.get(f"hmi_judgement_{n}"),
                                      data.get(f"comments_{n}", "")) for n in self.issue_rows],
        )


def posted_date(data, name: str) -> date | None:
    """The date a bound form was given in field `name` (day, month, year boxes), or None if it
    is missing or not a real date: used to choose the era's wording before the form is built."""
    try:
        return GovukDateField().clean([data.get(f"{name}_{part}", "") for part in ("day", "month", "year")])
    except forms.ValidationError:
        return None


# Subject, theme or survey feedback -------------------------------------------------------------


class SubjectForm(forms.Form):
    inspection_date = GovukDateField(label="First day of the inspection")
    lead_inspector = forms.CharField(label="Lead inspector", max_length=200,
                                     error_messages={"required": "Enter the lead inspector's name."})
    focus = forms.CharField(label="Focus of the inspection", max_length=300,
                            help_text="For example, mathematics, or a theme such as careers guidance",
                            error_messages={"required": "Enter the focus of the inspection."})
    outcomes = forms.CharField(label="Outcomes", max_length=50_000, widget=_textarea(8),
                               error_messages={"required": "Enter the outcomes HMI gave at feedback."})
    hmi_judgement = forms.TypedChoiceField(label="HMI judgement (if given)", required=False, coerce=int,
                                           empty_value=None, widget=GovukRadioSelect,
                                           error_messages={"invalid_choice": "Choose HMI's judgement from the list."})

    def __init__(self, *args, instance: SubjectFeedback | None = None, **kwargs) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {name: getattr(instance, name) for name in (
                "inspection_date", "lead_inspector", "focus", "outcomes", "hmi_judgement")})
        super().__init__(*args, **kwargs)
        self.fields["hmi_judgement"].choices = [("", "Not given"), *judgements.hmi_judgement_choices(None)]

    @property
    def details(self) -> SubjectDetails:
        data = self.cleaned_data
        return SubjectDetails(inspection_date=data["inspection_date"], lead_inspector=data["lead_inspector"],
                              focus=data["focus"], outcomes=data["outcomes"], hmi_judgement=data.get("hmi_judgement"))


# Calibration --------------------------------------------------------------------------------------


def academic_year_choices(today: date) -> list[tuple[str, str]]:
    latest = academic_year_start(academic_year_of(today))
    first = frameworks.ERAS[0].starts.year
    return [("", "All years"), *((academic_year_name(y), academic_year_name(y)) for y in range(latest, first - 1, -1))]


class CalibrationFilterForm(forms.Form):
    academic_year = forms.ChoiceField(label="Academic year of the inspection", required=False)
    phase = forms.ChoiceField(label="Phase", required=False, choices=[("", "All phases"), *Phase.choices])

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].choices = academic_year_choices(today)
