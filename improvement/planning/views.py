"""Pages for visit planning: officer allocation, continuity and the handover checklist. Views
check permissions and hand over to services and selectors; they hold no rules."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from improvement.accounts.roles import Role
from improvement.core.downloads import private_download
from improvement.core.forms import apply_errors
from improvement.core.permissions import SCHOOL_SIDE_ROLES, require_perm
from improvement.planning import exports, ical, presenters, selectors, services
from improvement.planning.forms import (
    AllocationForm,
    CapacityForm,
    MoveForm,
    PlanRunForm,
    PlanStatusForm,
    RateForm,
    ReminderPreferenceForm,
    TickForm,
    TimeForm,
)
from improvement.planning.models import (
    CalendarFeed,
    DailyRate,
    Handover,
    OfficerCapacity,
    PlanStatus,
    ReminderPreference,
)
from improvement.planning.time_activities import BY_KEY, RATE_ROLES
from improvement.policy.calendar import academic_year_name, academic_year_of, academic_year_start
from improvement.schools.selectors import school_for_user


def _year(request: HttpRequest) -> str:
    """The academic year in ?year=, or the current one when it is missing or malformed."""
    value = request.GET.get("year", "")
    try:
        academic_year_start(value)
    except ValueError:
        return academic_year_of(timezone.localdate())
    return value


def _years_around(selected: str) -> list[str]:
    start = academic_year_start(academic_year_of(timezone.localdate()))
    return sorted({academic_year_name(start + n) for n in (-2, -1, 0, 1)} | {selected}, reverse=True)


def _allocation_url(school, year: str) -> str:
    return reverse("planning:school_allocation", kwargs={"urn": school.urn}) + f"?year={year}"


@require_GET
def allocations(request: HttpRequest) -> HttpResponse:
    require_perm(request, "planning.view_allocations")
    year = _year(request)
    overview = selectors.allocation_overview(user=request.user, academic_year=year)
    return render(request, "planning/allocations.html", {
        "overview": overview, "years": _years_around(year),
        "can_allocate": request.user.has_perm("planning.allocate_officer", request.user),
    })


@require_http_methods(["GET", "POST"])
def school_allocation(request: HttpRequest, urn: str) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    require_perm(request, "planning.view_handover", school)
    year = _year(request)
    can_allocate = request.user.has_perm("planning.allocate_officer", school)
    if request.method == "POST" and not can_allocate:
        raise PermissionDenied
    form = None
    if can_allocate:
        form = AllocationForm(request.POST if request.method == "POST" else None,
                              officers=selectors.officer_choices(request.user))
        if request.method == "POST" and form.is_valid():
            try:
                allocation = services.allocate_officer(actor=request.user, school=school, academic_year=year,
                                                       **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if hasattr(allocation, "handover"):
                    messages.success(request, f"{allocation.officer} is now the officer for {year}. "
                                              "The handover checklist has started.")
                    return redirect("planning:handover", pk=allocation.handover.pk)
                messages.success(request, f"{allocation.officer} is now the officer for {year}.")
                return redirect(_allocation_url(school, year))
    state = selectors.allocation_states([school.pk], year).get(school.pk, selectors.AllocationState())
    handovers = selectors.handovers_for(school)
    context = {
        "school": school, "year": year, "years": _years_around(year), "form": form, "state": state,
        "history": selectors.school_allocations(school=school),
        "handovers": [(h, selectors.is_handover_complete(h)) for h in handovers],
        "window": selectors.continuity_years(year),
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "planning/school_allocation.html", context, status=status)


@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Handover.objects.visible_to(request.user).select_related("school", "from_officer", "to_officer",
                                                                 "allocation"),
        pk=pk,
    )
    require_perm(request, "planning.view_handover", item)
    can_tick = request.user.has_perm("planning.tick_handover", item)
    form = TickForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_tick:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.tick_handover_item(actor=request.user, handover=item, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Ticked.")
                return redirect("planning:handover", pk=item.pk)
    fresh = selectors.handovers_for(item.school)
    item = next(h for h in fresh if h.pk == item.pk)
    context = {"handover": item, "school": item.school, "lines": selectors.checklist_lines(item),
               "complete": selectors.is_handover_complete(item), "can_tick": can_tick, "form": form}
    return render(request, "planning/handover.html", context, status=400 if form.is_bound and form.errors else 200)


# The yearly plan --------------------------------------------------------------------------------


def _plan_url(year: str) -> str:
    return reverse("planning:plan") + f"?year={year}"


@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    require_perm(request, "planning.view_plan")
    year = _year(request)
    officers = list(selectors.officer_choices(request.user))
    officer_id = next((o.pk for o in officers if str(o.pk) == request.GET.get("officer", "")), None)
    status = request.GET.get("status", "")
    status = status if status in PlanStatus.values else ""
    queryset = selectors.planned_visits(user=request.user, academic_year=year, officer_id=officer_id, status=status)
    page = Paginator(queryset, 100).get_page(request.GET.get("page"))
    can_run = request.user.has_perm("planning.run_planner")
    return render(request, "planning/plan.html", {
        "year": year, "years": _years_around(year), "page": page, "officers": officers,
        "officer_id": officer_id, "status": status, "statuses": PlanStatus.choices,
        "summary": selectors.plan_summary(
            selectors.planned_visits(user=request.user, academic_year=year, officer_id=officer_id), year),
        "form": PlanRunForm() if can_run else None,
        "query": urlencode({k: v for k, v in (("year", year), ("officer", officer_id or ""), ("status", status)) if v}),
    })


@require_http_methods(["POST"])
def plan_run(request: HttpRequest) -> HttpResponse:
    require_perm(request, "planning.run_planner")
    year = _year(request)
    form = PlanRunForm(request.POST)
    if form.is_valid():
        try:
            run = services.plan_visits(actor=request.user, academic_year=year,
                                       visits_per_week=form.cleaned_data["visits_per_week"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return render(request, "planning/plan_run.html", {"run": run, "year": year})
    return render(request, "planning/plan_run_error.html", {"form": form, "year": year}, status=400)


def _visit_context(request: HttpRequest, planned, **forms) -> dict:
    can_change = request.user.has_perm("planning.change_planned_visit", planned)
    return {
        "planned": planned, "school": planned.school, "can_change": can_change,
        "steps": services.allowed_steps(planned) if can_change else set(),
        "move_form": forms.get("move_form") or (MoveForm() if can_change and planned.is_open else None),
        "status_form": forms.get("status_form") or PlanStatusForm(),
        "form": forms.get("move_form") or forms.get("status_form"),
    }


@require_GET
def planned_visit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.planned_visit_for_user(user=request.user, pk=pk)
    require_perm(request, "planning.view_planned_visit", item)
    return render(request, "planning/planned_visit.html", _visit_context(request, item))


@require_http_methods(["POST"])
def planned_visit_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.planned_visit_for_user(user=request.user, pk=pk)
    require_perm(request, "planning.change_planned_visit", item)
    form = PlanStatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_plan_status(actor=request.user, planned=item, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The visit is now {PlanStatus(form.cleaned_data['to_status']).label.lower()}.")
            return redirect(item.get_absolute_url())
    item = selectors.planned_visit_for_user(user=request.user, pk=pk)
    return render(request, "planning/planned_visit.html", _visit_context(request, item, status_form=form), status=400)


@require_http_methods(["POST"])
def planned_visit_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.planned_visit_for_user(user=request.user, pk=pk)
    require_perm(request, "planning.change_planned_visit", item)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.move_planned_visit(actor=request.user, planned=item, day=form.cleaned_data["day"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The visit is now on {form.cleaned_data['day']:%-d %B %Y}.")
            return redirect(item.get_absolute_url())
    item = selectors.planned_visit_for_user(user=request.user, pk=pk)
    return render(request, "planning/planned_visit.html", _visit_context(request, item, move_form=form), status=400)


# Diaries and calendar feeds -----------------------------------------------------------------------

DIARY_LIST_MONTHS = 6


def _diary_officer(request: HttpRequest):
    """The officer whose diary is shown: ?officer= for senior advisers, else the user (officers)
    or None (school-side users, who see agreed visits to their school)."""
    user = request.user
    if user.role in SCHOOL_SIDE_ROLES:
        return None
    wanted = request.GET.get("officer", "")
    officer = user
    if wanted and wanted != str(user.pk):
        officer = selectors.officer_choices(user).filter(pk=wanted).first() if wanted.isdigit() else None
        if officer is None:
            raise Http404("No such officer.")
    require_perm(request, "planning.view_officer_diary", officer)
    return officer


@require_GET
def diary(request: HttpRequest) -> HttpResponse:
    require_perm(request, "planning.view_diary")
    officer = _diary_officer(request)
    today = timezone.localdate()
    view = "month" if request.GET.get("view") == "month" else "list"
    month = presenters.parse_month(request.GET.get("month", ""), today)
    if view == "month":
        since, until = month, presenters.add_months(month, 1) - timedelta(days=1)
    else:
        since, until = today, presenters.add_months(today.replace(day=1), DIARY_LIST_MONTHS) - timedelta(days=1)
    visits = selectors.diary_visits(user=request.user, officer=officer, since=since, until=until)
    is_senior = request.user.role == Role.SENIOR_ADVISER
    base = {"officer": officer.pk} if officer is not None and officer.pk != request.user.pk else {}
    return render(request, "planning/diary.html", {
        "officer": officer, "view": view, "month": month, "visits": visits,
        "months": selectors.group_by_month(visits), "weeks": presenters.month_grid(month, visits),
        "since": since, "until": until, "officers": list(selectors.officer_choices(request.user)) if is_senior else [],
        "list_query": urlencode(base), "month_query": urlencode({**base, "view": "month"}),
        "previous_query": urlencode({**base, "view": "month", "month": f"{presenters.add_months(month, -1):%Y-%m}"}),
        "next_query": urlencode({**base, "view": "month", "month": f"{presenters.add_months(month, 1):%Y-%m}"}),
        "can_manage_feed": officer is not None and officer.pk == request.user.pk
        and request.user.has_perm("planning.manage_feed"),
    })


@require_http_methods(["GET", "POST"])
def diary_feed(request: HttpRequest) -> HttpResponse:
    require_perm(request, "planning.manage_feed")
    feed_url = ""
    if request.method == "POST":
        _, token = services.create_calendar_feed(actor=request.user)
        feed_url = request.build_absolute_uri(reverse("planning:feed", kwargs={"token": token}))
    live = CalendarFeed.objects.filter(officer=request.user, revoked_at__isnull=True).first()
    return render(request, "planning/diary_feed.html", {"live": live, "feed_url": feed_url})


@require_http_methods(["POST"])
def diary_feed_revoke(request: HttpRequest) -> HttpResponse:
    require_perm(request, "planning.manage_feed")
    if services.revoke_calendar_feed(actor=request.user):
        messages.success(request, "Your calendar feed address has been turned off.")
    else:
        messages.info(request, "You had no calendar feed address turned on.")
    return redirect("planning:diary_feed")


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = private_download(content, filename=filename, content_type="text/calendar; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The officer's diary as an iCalendar feed, at a secret address: 404 unless live."""
    item = selectors.live_feed(token)
    if item is None:
        raise Http404("No such calendar feed.")
    visits = selectors.feed_visits(item.officer, today=timezone.localdate())
    links = {v.pk: request.build_absolute_uri(v.get_absolute_url()) for v in visits}
    content = ical.calendar_of(visits, name=f"School visits: {item.officer}", links=links)
    return _ics_response(content, "visits.ics")


@require_GET
def planned_visit_ics(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.planned_visit_for_user(user=request.user, pk=pk)
    require_perm(request, "planning.view_planned_visit", item)
    content = ical.calendar_of([item], name=f"{item.label}: {item.school.name}",
                               links={item.pk: request.build_absolute_uri(item.get_absolute_url())})
    return _ics_response(content, f"visit-{item.school.urn}-{item.date:%Y-%m-%d}.ics")


# Coverage and downloads -----------------------------------------------------------------------------


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    require_perm(request, "planning.view_plan")
    year = _year(request)
    data = selectors.coverage(user=request.user, academic_year=year, today=timezone.localdate())
    return render(request, "planning/coverage.html", {"coverage": data, "year": year, "years": _years_around(year)})


@require_GET
def coverage_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require_perm(request, "planning.view_plan")
    if fmt not in exports.FORMATS:
        raise Http404("No such format.")
    year = _year(request)
    data = selectors.coverage(user=request.user, academic_year=year, today=timezone.localdate())
    return exports.download(fmt, f"coverage-{year.replace('/', '-')}", f"Coverage {year.replace('/', '-')}",
                            exports.COVERAGE_HEADER, exports.coverage_rows(data))


@require_GET
def plan_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require_perm(request, "planning.view_plan")
    if fmt not in exports.FORMATS:
        raise Http404("No such format.")
    year = _year(request)
    visits = selectors.planned_visits(user=request.user, academic_year=year).iterator(chunk_size=2000)
    return exports.download(fmt, f"visit-plan-{year.replace('/', '-')}", f"Plan {year.replace('/', '-')}",
                            exports.PLAN_HEADER, exports.plan_rows(visits))


@require_http_methods(["GET", "POST"])
def officer_capacity(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "planning.set_capacity")
    officer = get_object_or_404(selectors.officer_choices(request.user), pk=pk)
    current = OfficerCapacity.objects.filter(officer=officer).first()
    form = CapacityForm(request.POST if request.method == "POST" else None,
                        initial={"visits_per_week": current.visits_per_week if current else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_officer_capacity(actor=request.user, officer=officer, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Capacity saved for {officer}.")
            return redirect(reverse("planning:allocations") + "#officers")
    return render(request, "planning/officer_capacity.html", {"officer": officer, "form": form},
                  status=400 if form.is_bound and form.errors else 200)


@require_http_methods(["GET", "POST"])
def reminder_preference(request: HttpRequest) -> HttpResponse:
    require_perm(request, "planning.choose_reminders")
    current = ReminderPreference.objects.filter(user=request.user).first()
    initial = {"frequency": "weekly" if current and current.weekly_digest else "daily"}
    form = ReminderPreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        weekly = form.cleaned_data["frequency"] == "weekly"
        services.set_reminder_preference(actor=request.user, weekly_digest=weekly)
        messages.success(request, "You will get a weekly digest on Mondays." if weekly
                         else "You will get reminders each day there is something new.")
        return redirect("planning:reminders")
    return render(request, "planning/reminders.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)


# Kent time accounting -------------------------------------------------------------------------------


def _log_time(request: HttpRequest, form: TimeForm, school=None) -> bool:
    if request.method != "POST":
        return False
    require_perm(request, "planning.log_time")
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.log_time(actor=request.user, activity=data["activity"], day=data["day"],
                          in_school=data["in_school"], out_of_school=data["out_of_school"], school=school,
                          note=data["note"])
    except ValidationError as error:
        apply_errors(form, error)
        return False
    messages.success(request, "Time logged.")
    return True


@require_http_methods(["GET", "POST"])
def school_time(request: HttpRequest, urn: str) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    require_perm(request, "planning.view_school_time", school)
    year = _year(request)
    can_log = request.user.has_perm("planning.log_time")
    form = TimeForm(request.POST if request.method == "POST" else None, for_school=True)
    if _log_time(request, form, school):
        return redirect(reverse("planning:school_time", kwargs={"urn": school.urn}) + f"?year={year}")
    data = selectors.school_time(school=school, academic_year=year, today=timezone.localdate())
    return render(request, "planning/school_time.html", {
        "school": school, "year": year, "years": _years_around(year), "time": data,
        "form": form if can_log else None,
    }, status=400 if form.is_bound and form.errors else 200)


def _time_officer(request: HttpRequest):
    wanted = request.GET.get("officer", "")
    officer = request.user
    if wanted and wanted != str(request.user.pk):
        officer = selectors.officer_choices(request.user).filter(pk=wanted).first() if wanted.isdigit() else None
        if officer is None:
            raise Http404("No such officer.")
    require_perm(request, "planning.view_officer_time", officer)
    return officer


@require_http_methods(["GET", "POST"])
def time_summary(request: HttpRequest) -> HttpResponse:
    require_perm(request, "planning.view_time_summary")
    officer = _time_officer(request) if request.GET.get("officer") or request.user.role != Role.LA_ADMIN else None
    year = _year(request)
    form = TimeForm(request.POST if request.method == "POST" else None, for_school=False)
    if _log_time(request, form):
        return redirect(reverse("planning:time") + f"?year={year}")
    lines, entries = selectors.officer_time(officer=officer, academic_year=year) if officer else ([], [])
    is_overseer = request.user.role in (Role.SENIOR_ADVISER, Role.LA_ADMIN)
    return render(request, "planning/time_summary.html", {
        "officer": officer, "year": year, "years": _years_around(year), "lines": lines, "entries": entries,
        "officers": list(selectors.officer_choices(request.user)) if is_overseer else [],
        "form": form if officer is not None and officer.pk == request.user.pk
        and request.user.has_perm("planning.log_time") else None,
        "total_days": sum((line.days for line in lines), Decimal(0)),
        "total_amount": sum((line.amount or Decimal(0) for line in lines), Decimal(0)),
        "missing_rate": any(line.rate is None for line in lines),
        "query": urlencode({"year": year, **({"officer": officer.pk} if officer else {})}),
    }, status=400 if form.is_bound and form.errors else 200)


TIME_HEADER = ("Date", "Term", "School", "URN", "Activity", "Days in school", "Days out of school", "Days",
               "Rate role", "Daily rate", "Amount", "Note")


@require_GET
def time_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require_perm(request, "planning.view_time_summary")
    if fmt not in exports.FORMATS:
        raise Http404("No such format.")
    officer = _time_officer(request)
    year = _year(request)
    lines, entries = selectors.officer_time(officer=officer, academic_year=year)
    rates = {(line.term, line.rate_role): line.rate for line in lines}

    def rows():
        for e in entries:
            activity = BY_KEY.get(e.activity)
            rate = rates.get((e.term, e.rate_role))
            days = e.in_school + e.out_of_school
            yield (e.date.isoformat(), e.term.capitalize(), e.school.name if e.school else "",
                   e.school.urn if e.school else "", activity.label if activity else e.activity,
                   float(e.in_school), float(e.out_of_school), float(days),
                   RATE_ROLES.get(e.rate_role, e.rate_role), float(rate) if rate is not None else "",
                   float((days * rate).quantize(Decimal("0.01"))) if rate is not None else "", e.note)

    name = f"time-{officer.pk}-{year.replace('/', '-')}"
    return exports.download(fmt, name, f"Time {year.replace('/', '-')}", TIME_HEADER, rows())


@require_http_methods(["GET", "POST"])
def daily_rates(request: HttpRequest) -> HttpResponse:
    require_perm(request, "planning.set_daily_rate")
    year = _year(request)
    form = RateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_daily_rate(actor=request.user, academic_year=year, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Daily rate saved.")
            return redirect(reverse("planning:rates") + f"?year={year}")
    rates = dict(DailyRate.objects.filter(authority_id=request.user.authority_id, academic_year=year)
                 .values_list("rate_role", "amount"))
    return render(request, "planning/rates.html", {
        "form": form, "year": year, "years": _years_around(year),
        "rates": [(label, rates.get(key)) for key, label in RATE_ROLES.items()],
    }, status=400 if form.is_bound and form.errors else 200)
