"""Pages for Ofsted inspection events. Views fetch through scoped selectors (404 outside the
user's scope), check the permission, and hand over to services; they hold no rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from improvement.core.forms import apply_errors
from improvement.core.permissions import require_perm
from improvement.ofsted_events import selectors, services
from improvement.ofsted_events.forms import (
    CalibrationFilterForm,
    ConfirmPublishedForm,
    FeedbackForm,
    InspectionDateForm,
    MonitoringForm,
    NotificationForm,
    SubjectForm,
    posted_date,
)
from improvement.ofsted_events.models import HMI_VISIT, SECTION_5, SUBJECT
from improvement.policy import frameworks
from improvement.schools.models import Phase, School
from improvement.schools.selectors import school_for_user

RECORD = "ofsted_events.record_event"
VIEW_EVENT = "ofsted_events.view_event"


def _school(request: HttpRequest, urn: str, perm: str) -> School:
    """The school in the URL: 404 outside the user's scope, 403 without the permission."""
    school = school_for_user(user=request.user, urn=urn)
    require_perm(request, perm, school)
    return school


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _render(request: HttpRequest, template: str, context: dict, *forms) -> HttpResponse:
    status = 400 if any(form is not None and form.is_bound and form.errors for form in forms) else 200
    return render(request, template, context, status=status)


def _save(form, call) -> object | None:
    """Run a service; its ValidationError lands on the form's fields and nothing is saved."""
    try:
        return call()
    except ValidationError as error:
        apply_errors(form, error)
        return None


# The school's events ---------------------------------------------------------------------------------


@require_GET
def school_events(request: HttpRequest, urn: str) -> HttpResponse:
    school = _school(request, urn, "ofsted_events.view_school_events")
    events = selectors.school_events(user=request.user, school=school, today=timezone.localdate())
    return render(request, "ofsted_events/school_events.html", {
        "school": school, "events": events, "can_record": request.user.has_perm(RECORD, school),
    })


# Notifications --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notification_create(request: HttpRequest, urn: str) -> HttpResponse:
    school = _school(request, urn, RECORD)
    form = NotificationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        notification = _save(form, lambda: services.log_notification(
            actor=request.user, school=school, details=form.details, base_url=request.build_absolute_uri("/")))
        if notification is not None:
            messages.success(request, "The notification has been logged. The school's officer and the senior "
                                      "advisers have been e-mailed a link to it.")
            return redirect(notification.get_absolute_url())
    return _render(request, "ofsted_events/notification_form.html", {"school": school, "form": form}, form)


@require_GET
def notification_detail(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    notification = selectors.notification_for(user=request.user, school=school, pk=pk)
    require_perm(request, VIEW_EVENT, notification)
    return render(request, "ofsted_events/notification_detail.html", {
        "school": school, "row": selectors.notification_page(notification=notification, today=timezone.localdate()),
        "can_record": request.user.has_perm(RECORD, school),
    })


@require_http_methods(["GET", "POST"])
def notification_edit(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    notification = selectors.notification_for(user=request.user, school=school, pk=pk)
    require_perm(request, RECORD, notification)
    form = NotificationForm(_data(request), instance=notification)
    if request.method == "POST" and form.is_valid() and _save(form, lambda: services.update_notification(
            actor=request.user, notification=notification, details=form.details)):
        messages.success(request, "The notification has been saved.")
        return redirect(notification.get_absolute_url())
    return _render(request, "ofsted_events/notification_form.html",
                   {"school": school, "form": form, "notification": notification}, form)


# The section 5 feedback form -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def feedback_create(request: HttpRequest, urn: str) -> HttpResponse:
    """Two steps that work without JavaScript: the inspection date (given by the notification,
    or asked first) decides the framework; then the form with that framework's judgements."""
    school = _school(request, urn, RECORD)
    notification = selectors.notification_for_form(
        user=request.user, school=school, pk=request.GET.get("notification"), kind=SECTION_5)
    era = frameworks.ERAS_BY_KEY.get(request.POST.get("era", "")) if request.method == "POST" else None
    start = None
    if era is None:
        if notification is not None:
            step = InspectionDateForm({"inspection_date_day": notification.inspection_starts_on.day,
                                       "inspection_date_month": notification.inspection_starts_on.month,
                                       "inspection_date_year": notification.inspection_starts_on.year})
        else:
            step = InspectionDateForm(request.GET if "inspection_date_year" in request.GET else None)
        if not step.is_valid():
            return _render(request, "ofsted_events/feedback_date.html",
                           {"school": school, "form": step, "notification": notification}, step)
        start = step.cleaned_data["inspection_date"]
        era = frameworks.era_for_date(start)
    initial = {"inspection_date": start, "lead_inspector": notification.lead_inspector if notification else ""}
    form = FeedbackForm(_data(request), era=era, initial=initial)
    if request.method == "POST" and form.is_valid():
        feedback = _save(form, lambda: services.record_feedback(
            actor=request.user, school=school, details=form.details, notification=notification))
        if feedback is not None:
            messages.success(request, "The feedback form has been recorded." + (
                " The inspection is in the school's history as provisional until the report is published."
                if feedback.is_provisional else " It is linked to the published inspection in the school's history."))
            return redirect(feedback.get_absolute_url())
    return _render(request, "ofsted_events/feedback_form.html",
                   {"school": school, "form": form, "era": era, "notification": notification}, form)


@require_GET
def feedback_detail(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    feedback = selectors.feedback_for(user=request.user, school=school, pk=pk)
    require_perm(request, "ofsted_events.view_feedback_form", feedback)
    return render(request, "ofsted_events/feedback_detail.html", {
        "school": school, "feedback": feedback, "lines": selectors.grade_lines(feedback),
        "row": selectors.feedback_page(feedback=feedback, today=timezone.localdate()),
        "la_view": selectors.is_la_staff(request.user),
        "can_change": request.user.has_perm("ofsted_events.change_feedback_form", feedback),
        "can_confirm": request.user.has_perm("ofsted_events.confirm_feedback_form", feedback),
    })


@require_http_methods(["GET", "POST"])
def feedback_edit(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    feedback = selectors.feedback_for(user=request.user, school=school, pk=pk)
    require_perm(request, "ofsted_events.change_feedback_form", feedback)
    form = FeedbackForm(_data(request), era=feedback.framework, instance=feedback)
    if request.method == "POST" and form.is_valid() and _save(form, lambda: services.record_feedback(
            actor=request.user, school=school, details=form.details, instance=feedback)):
        messages.success(request, "The feedback form has been saved, and the provisional inspection with it.")
        return redirect(feedback.get_absolute_url())
    return _render(request, "ofsted_events/feedback_form.html",
                   {"school": school, "form": form, "era": feedback.framework, "feedback": feedback}, form)


@require_http_methods(["GET", "POST"])
def feedback_confirm(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    feedback = selectors.feedback_for(user=request.user, school=school, pk=pk)
    require_perm(request, "ofsted_events.confirm_feedback_form", feedback)
    form = ConfirmPublishedForm(_data(request))
    if request.method == "POST" and form.is_valid() and _save(form, lambda: services.confirm_published(
            actor=request.user, feedback=feedback, publication_date=form.cleaned_data["publication_date"])):
        messages.success(request, "Publication confirmed: the inspection is no longer provisional, and the "
                                  "headteacher can now read this feedback form.")
        return redirect(feedback.get_absolute_url())
    return _render(request, "ofsted_events/feedback_confirm.html",
                   {"school": school, "feedback": feedback, "form": form}, form)


# HMI monitoring visit feedback -------------------------------------------------------------------------


def _monitoring_form(request: HttpRequest, default_day, instance=None) -> MonitoringForm:
    """The form with the wording of the era of the date posted (or the default date's)."""
    day = (posted_date(request.POST, "visit_date") if request.method == "POST" else None) or default_day
    return MonitoringForm(_data(request), era=frameworks.era_for_date(day), instance=instance,
                          initial={"visit_date": default_day} if instance is None else None)


@require_http_methods(["GET", "POST"])
def monitoring_create(request: HttpRequest, urn: str) -> HttpResponse:
    school = _school(request, urn, RECORD)
    notification = selectors.notification_for_form(
        user=request.user, school=school, pk=request.GET.get("notification"), kind=HMI_VISIT)
    default_day = notification.inspection_starts_on if notification else timezone.localdate()
    form = _monitoring_form(request, default_day)
    if notification is not None and request.method == "GET":
        form.initial["lead_inspector"] = notification.lead_inspector
    if request.method == "POST" and form.is_valid():
        feedback = _save(form, lambda: services.record_monitoring_feedback(
            actor=request.user, school=school, details=form.details, notification=notification))
        if feedback is not None:
            messages.success(request, "The HMI monitoring visit feedback has been recorded.")
            return redirect(feedback.get_absolute_url())
    return _render(request, "ofsted_events/monitoring_form.html",
                   {"school": school, "form": form, "notification": notification}, form)


@require_GET
def monitoring_detail(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    feedback = selectors.monitoring_for(user=request.user, school=school, pk=pk)
    require_perm(request, VIEW_EVENT, feedback)
    return render(request, "ofsted_events/monitoring_detail.html", {
        "school": school, "feedback": feedback, "can_record": request.user.has_perm(RECORD, school)})


@require_http_methods(["GET", "POST"])
def monitoring_edit(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    feedback = selectors.monitoring_for(user=request.user, school=school, pk=pk)
    require_perm(request, RECORD, feedback)
    form = _monitoring_form(request, feedback.visit_date, instance=feedback)
    if request.method == "POST" and form.is_valid() and _save(form, lambda: services.record_monitoring_feedback(
            actor=request.user, school=school, details=form.details, instance=feedback)):
        messages.success(request, "The HMI monitoring visit feedback has been saved.")
        return redirect(feedback.get_absolute_url())
    return _render(request, "ofsted_events/monitoring_form.html",
                   {"school": school, "form": form, "feedback": feedback}, form)


# Subject, theme or survey inspection feedback ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def subject_create(request: HttpRequest, urn: str) -> HttpResponse:
    school = _school(request, urn, RECORD)
    notification = selectors.notification_for_form(
        user=request.user, school=school, pk=request.GET.get("notification"), kind=SUBJECT)
    initial = ({"inspection_date": notification.inspection_starts_on, "lead_inspector": notification.lead_inspector}
               if notification else {})
    form = SubjectForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        feedback = _save(form, lambda: services.record_subject_feedback(
            actor=request.user, school=school, details=form.details, notification=notification))
        if feedback is not None:
            messages.success(request, "The subject, theme or survey inspection feedback has been recorded.")
            return redirect(feedback.get_absolute_url())
    return _render(request, "ofsted_events/subject_form.html",
                   {"school": school, "form": form, "notification": notification}, form)


@require_GET
def subject_detail(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    feedback = selectors.subject_for(user=request.user, school=school, pk=pk)
    require_perm(request, VIEW_EVENT, feedback)
    return render(request, "ofsted_events/subject_detail.html", {
        "school": school, "feedback": feedback, "can_record": request.user.has_perm(RECORD, school)})


@require_http_methods(["GET", "POST"])
def subject_edit(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    feedback = selectors.subject_for(user=request.user, school=school, pk=pk)
    require_perm(request, RECORD, feedback)
    form = SubjectForm(_data(request), instance=feedback)
    if request.method == "POST" and form.is_valid() and _save(form, lambda: services.record_subject_feedback(
            actor=request.user, school=school, details=form.details, instance=feedback)):
        messages.success(request, "The subject, theme or survey inspection feedback has been saved.")
        return redirect(feedback.get_absolute_url())
    return _render(request, "ofsted_events/subject_form.html",
                   {"school": school, "form": form, "feedback": feedback}, form)


# Calibration --------------------------------------------------------------------------------------------


@require_GET
def calibration(request: HttpRequest) -> HttpResponse:
    require_perm(request, "ofsted_events.view_calibration")
    form = CalibrationFilterForm(request.GET or None, today=timezone.localdate())
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    eras = selectors.calibration(user=request.user, academic_year=filters.get("academic_year", ""),
                                 phase=filters.get("phase", ""))
    caption = "".join(f", {label}" for label in (
        filters.get("academic_year"), Phase(filters["phase"]).label if filters.get("phase") else "") if label)
    return _render(request, "ofsted_events/calibration.html",
                   {"form": form, "eras": eras, "filters": filters, "filter_caption": caption}, form)
