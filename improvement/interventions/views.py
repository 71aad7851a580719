"""Support and intervention pages. Views check permission, call a selector or a service, and
render; no rules here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from improvement.accounts.models import User
from improvement.accounts.roles import LA_STAFF_ROLES, Role
from improvement.core.downloads import private_download
from improvement.core.forms import apply_errors
from improvement.core.permissions import require_perm
from improvement.interventions import lifecycle, presenters, selectors, services
from improvement.interventions.forms import (
    BoardMemberForm,
    DecisionForm,
    OpenProcessForm,
    OutcomeForm,
    ProcessStatusForm,
    RescheduleForm,
    ScheduleMeetingForm,
)
from improvement.interventions.models import BoardMember, ProcessKind, ProcessStatus
from improvement.policy import meetings as series
from improvement.schools.selectors import school_for_user
from improvement.visits import exports
from improvement.visits.forms import RecordForm, StepForm, form_groups, form_reviews
from improvement.visits.presenters import carried_forward_rows
from improvement.visits.services import StaleRecord


def _la_staff(user: User):
    return User.objects.filter(authority=user.authority, role__in=LA_STAFF_ROLES, is_active=True).order_by("full_name")


@require_GET
def school_support(request: HttpRequest, urn: str) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    require_perm(request, "interventions.view_school_support", school)
    show_decisions = request.user.has_perm("interventions.view_decisions", school)
    show_policy = request.user.has_perm("decisions.view_school_decisions", school)
    return render(request, "interventions/school_support.html", {
        "school": school,
        "policy": selectors.policy_prompts(school=school) if show_policy else [],
        "tab": selectors.school_support(user=request.user, school=school, show_decisions=show_decisions),
        "can_open": request.user.has_perm("interventions.open_process", school) and school.is_open,
        "can_decide": request.user.has_perm("interventions.record_decision", school),
    })


@require_http_methods(["GET", "POST"])
def process_open(request: HttpRequest, urn: str) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    require_perm(request, "interventions.open_process", school)
    kinds = [k for k, roles in services.OPENERS.items() if request.user.role in roles]
    chairs = _la_staff(request.user).filter(role__in=[Role.SENIOR_ADVISER, Role.MONITORING_OFFICER])
    form = OpenProcessForm(request.POST or None, kinds=kinds, chairs=chairs,
                           initial={"kind": request.GET.get("kind", ""), "chair": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            process = services.open_process(
                actor=request.user, school=school, kind=form.cleaned_data["kind"],
                opened_on=form.cleaned_data["opened_on"], reason=form.cleaned_data["reason"],
                chair=form.cleaned_data["chair"], first_meeting_at=form.meeting_datetime(),
                venue=form.cleaned_data["venue"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{process.get_kind_display()} opened and its first meeting scheduled.")
            return redirect(process)
    return render(request, "interventions/process_open.html", {"form": form, "school": school},
                  status=400 if form.errors else 200)


@require_GET
def process_detail(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.process_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.view_process", process)
    can_manage = request.user.has_perm("interventions.manage_process", process)
    return render(request, "interventions/process_detail.html", {
        "process": process,
        "school": process.school,
        "members": selectors.board(process),
        "meetings": list(process.meetings.select_related("next_meeting")),
        "changes": list(process.status_changes.select_related("actor")),
        "decisions": (list(process.decisions.select_related("decided_by"))
                      if request.user.has_perm("interventions.view_decisions", process.school) else []),
        "can_manage": can_manage and process.is_live,
        "can_change_status": can_manage and process.status != ProcessStatus.CLOSED,
    })


_STATUS_CHOICES = {
    ProcessStatus.OPEN: [(ProcessStatus.PAUSED, "Pause the process"), (ProcessStatus.CLOSED, "Close the process")],
    ProcessStatus.PAUSED: [(ProcessStatus.OPEN, "Resume the process"), (ProcessStatus.CLOSED, "Close the process")],
}


@require_http_methods(["GET", "POST"])
def process_status(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.process_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.manage_process", process)
    if process.status == ProcessStatus.CLOSED:
        messages.error(request, "This process is closed and cannot be changed.")
        return redirect(process)
    form = ProcessStatusForm(request.POST or None, choices=_STATUS_CHOICES[ProcessStatus(process.status)])
    if request.method == "POST" and form.is_valid():
        try:
            services.change_process_status(actor=request.user, process=process,
                                           to_status=form.cleaned_data["to_status"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The process has been updated.")
            return redirect(process)
    return render(request, "interventions/process_status.html", {"form": form, "process": process},
                  status=400 if form.errors else 200)


def _board_people(process):
    return User.objects.filter(authority=process.school.authority, is_active=True).filter(
        role__in=[*LA_STAFF_ROLES]
    ) | User.objects.filter(school=process.school, is_active=True)


@require_http_methods(["GET", "POST"])
def board_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.process_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.manage_process", process)
    form = BoardMemberForm(request.POST or None, people=_board_people(process).order_by("full_name"))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_board_member(actor=request.user, process=process, role=form.cleaned_data["role"],
                                      user=form.cleaned_data["user"], name=form.cleaned_data["name"],
                                      role_detail=form.cleaned_data["role_detail"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Board member added.")
            return redirect(process)
    return render(request, "interventions/board_member_form.html", {"form": form, "process": process},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def board_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    process = selectors.process_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.manage_process", process)
    member = get_object_or_404(BoardMember, pk=member_pk, process=process, left_at__isnull=True)
    error = ""
    if request.method == "POST":
        try:
            services.remove_board_member(actor=request.user, member=member)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, f"{member} has left the board.")
            return redirect(process)
    return render(request, "interventions/board_member_remove.html",
                  {"process": process, "member": member, "error": error}, status=400 if error else 200)


def _schedulable_kinds(process) -> list[str]:
    return [k for k, p in series.PROCESS_OF.items() if p == process.kind]


@require_http_methods(["GET", "POST"])
def meeting_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.process_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.manage_process", process)
    form = ScheduleMeetingForm(request.POST or None, kinds=_schedulable_kinds(process))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(actor=request.user, process=process, kind=form.cleaned_data["kind"],
                                                starts_at=form.meeting_datetime(), venue=form.cleaned_data["venue"])
        except ValidationError as exc:
            apply_errors(form, _on_date(exc))
        else:
            messages.success(request, "Meeting scheduled.")
            return redirect(meeting)
    return render(request, "interventions/meeting_schedule.html", {"form": form, "process": process},
                  status=400 if form.errors else 200)


def _on_date(exc: ValidationError) -> ValidationError:
    """The services speak of `starts_at` and `next_starts_at`; the forms ask for a date and a time."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed = {"starts_at": "date", "next_starts_at": "date"}
    return ValidationError({renamed.get(name, name): errors for name, errors in exc.error_dict.items()})


def _minutes_context(request, meeting):
    members = selectors.board(meeting.process)
    carried = carried_forward_rows(list(services.carried_forward_actions(meeting)), meeting.action_reviews or {})
    return presenters.minutes_view(meeting=meeting, role=request.user.role,
                                   board=selectors.board_names(members), carried_forward=carried)


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.view_process", meeting.process)
    user = request.user
    can_read = user.has_perm("interventions.view_minutes", meeting)
    steps = [s for s in lifecycle.steps_from(meeting.status) if services.can_take_step(user, meeting, s)]
    changes = list(meeting.status_changes.select_related("actor"))
    titles = {s.key: s.title for s in meeting.template.sections}
    for change in changes:
        change.section_list = [(titles.get(k, k), v) for k, v in (change.section_comments or {}).items()]
    can_manage = user.has_perm("interventions.manage_process", meeting.process)
    packs = (list(meeting.packs.defer("pdf").select_related("compiled_by"))
             if user.has_perm("interventions.download_pack", meeting.process) else [])
    return render(request, "interventions/meeting_detail.html", {
        "meeting": meeting,
        "process": meeting.process,
        "school": meeting.process.school,
        "tasks": presenters.task_list(meeting, meeting.pre_reads_sent_at),
        "view": _minutes_context(request, meeting) if can_read and meeting.status != lifecycle.SCHEDULED else None,
        "can_read": can_read,
        "steps": steps,
        "changes": changes,
        "packs": packs,
        "can_manage": can_manage,
        "can_edit": can_manage and meeting.status == lifecycle.DRAFT,
        "can_record_outcome": (can_manage and not meeting.outcome and meeting.process.status == ProcessStatus.OPEN
                               and meeting.status in (lifecycle.DRAFT, lifecycle.SENT, lifecycle.ACCURATE,
                                                      lifecycle.COMMENTED)),
        "can_send_pack": can_manage and meeting.status == lifecycle.SCHEDULED and meeting.process.is_live,
    })


@require_http_methods(["GET", "POST"])
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.manage_process", meeting.process)
    start = timezone.localtime(meeting.starts_at)
    form = RescheduleForm(request.POST or None, initial={"date": start.date(), "time": start.time(), "venue": meeting.venue})
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule_meeting(actor=request.user, meeting=meeting, starts_at=form.meeting_datetime(),
                                        venue=form.cleaned_data["venue"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, _on_date(exc))
        else:
            messages.success(request, "Meeting moved.")
            return redirect(meeting)
    return render(request, "interventions/meeting_reschedule.html", {"form": form, "meeting": meeting},
                  status=400 if form.errors else 200)


def _minutes_form(meeting, data=None) -> RecordForm:
    return RecordForm(
        data, initial={"version": meeting.version}, template=meeting.template, content=meeting.content,
        areas=presenters.judgement_areas(meeting), carried_forward=list(services.carried_forward_actions(meeting)),
        reviews=meeting.action_reviews,
    )


def _save_from_form(request, meeting, form):
    from improvement.visits.services import ensure_row_uids

    content = ensure_row_uids(meeting.template, form.to_content())
    return services.save_minutes(actor=request.user, meeting=meeting, content=content,
                                 expected_version=form.cleaned_data["version"], action_reviews=form.to_reviews())


@require_http_methods(["GET", "POST"])
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.manage_process", meeting.process)
    if meeting.status != lifecycle.DRAFT:
        messages.error(request, "These minutes are not a draft, so they cannot be edited here.")
        return redirect(meeting)
    form = _minutes_form(meeting, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _save_from_form(request, meeting, form)
        except StaleRecord as exc:
            # Keep what they typed, now against the saved version: saving again is an explicit
            # choice to replace the other change, which the meeting page shows meanwhile.
            data = request.POST.copy()
            data["version"] = str(exc.current.version)
            form = _minutes_form(exc.current, data)
            form.is_valid()
            context = {**_edit_context(request, exc.current, form), "conflict": True}
            return render(request, "interventions/minutes_edit.html", context, status=409)
        except services.RecordLocked as exc:
            messages.error(request, str(exc))
            return redirect(meeting)
        messages.success(request, f"Saved at {timezone.localtime():%H:%M}.")
        if "send" in request.POST:
            return redirect("interventions:meeting_step", pk=meeting.pk, step="send")
        return redirect("interventions:minutes_edit", pk=meeting.pk)
    return render(request, "interventions/minutes_edit.html", _edit_context(request, meeting, form),
                  status=400 if form.errors else 200)


def _edit_context(request, meeting, form):
    view = _minutes_context(request, meeting)
    facts = presenters.meeting_facts(meeting, selectors.board_names(selectors.board(meeting.process)))
    return {"meeting": meeting, "school": meeting.process.school, "form": form, "view": view,
            "template": meeting.template, "groups": form_groups(meeting.template, form, facts),
            "reviews": form_reviews(form)}


@require_POST
def minutes_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx autosave: the same save as the Save button, answering with a status line."""
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.manage_process", meeting.process)
    form = _minutes_form(meeting, request.POST)
    if not form.is_valid():
        return render(request, "visits/includes/autosave_status.html", {"state": "invalid", "errors": form.errors})
    try:
        saved = _save_from_form(request, meeting, form)
    except StaleRecord:
        return render(request, "visits/includes/autosave_status.html", {"state": "conflict"})
    except services.RecordLocked as exc:
        return render(request, "visits/includes/autosave_status.html", {"state": "locked", "message": str(exc)})
    return render(request, "visits/includes/autosave_status.html",
                  {"state": "saved", "at": timezone.localtime(), "version": saved.version})


@require_http_methods(["GET", "POST"])
def meeting_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.view_process", meeting.process)
    the_step = lifecycle.STEPS.get(step)
    if the_step is None:
        raise Http404("No such step")
    if not services.can_take_step(request.user, meeting, the_step):
        raise PermissionDenied
    sections = meeting.template.sections_visible_to(request.user.role) if step == "comment" else ()
    form = StepForm(request.POST if request.method == "POST" else None, sections=sections,
                    comment_label=the_step.comment_label)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.take_step(actor=request.user, meeting=meeting, step_name=step,
                               comment=form.cleaned_data["comment"], section_comments=form.section_comments(),
                               link=request.build_absolute_uri(meeting.get_absolute_url()))
        except (lifecycle.IllegalStep, ValidationError) as exc:
            error = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        else:
            messages.success(request, f"Done: {lifecycle.STATUS_LABELS[the_step.target].lower()}.")
            if step == "hold":
                return redirect("interventions:minutes_edit", pk=meeting.pk)
            return redirect(meeting)
    if error:
        form.add_error(None, error)
    allowed_now = meeting.status in the_step.sources
    not_allowed = ""
    if not allowed_now:
        try:
            lifecycle.check_step(step, meeting.status)
        except lifecycle.IllegalStep as exc:
            not_allowed = str(exc)
    return render(request, "interventions/meeting_step.html", {
        "meeting": meeting, "step": the_step, "form": form, "allowed_now": allowed_now,
        "not_allowed_message": not_allowed, "board": selectors.board(meeting.process) if step == "share" else [],
    }, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def meeting_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.manage_process", meeting.process)
    if meeting.outcome:
        messages.error(request, "The outcome of this meeting has already been recorded.")
        return redirect(meeting)
    outcomes = list(meeting.template.outcomes)
    chosen = request.POST.get("outcome") or request.GET.get("outcome") or outcomes[0]
    if chosen not in outcomes:
        chosen = outcomes[0]
    start = timezone.localtime(meeting.starts_at)
    initial = {"outcome": chosen, "date": services.proposed_next_date(meeting, chosen), "time": start.time(),
               "venue": meeting.venue}
    form = OutcomeForm(request.POST or None, outcomes=outcomes, initial=initial,
                       asks_question=services.asks_fundamental_question(meeting.template))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outcome(actor=request.user, meeting=meeting, outcome=form.cleaned_data["outcome"],
                                    confident_good=form.cleaned_data.get("confident_good", ""),
                                    next_starts_at=form.meeting_datetime(), next_venue=form.cleaned_data["venue"])
        except ValidationError as exc:
            apply_errors(form, _on_date(exc))
        else:
            messages.success(request, "Outcome recorded and the next meeting scheduled.")
            return redirect(meeting)
    proposals = [(o, services.proposed_next_date(meeting, o)) for o in outcomes]
    return render(request, "interventions/meeting_outcome.html", {
        "form": form, "meeting": meeting, "proposals": proposals,
    }, status=400 if form.errors else 200)


@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.view_minutes", meeting)
    if meeting.status == lifecycle.SCHEDULED:
        raise Http404("No minutes yet")
    name = f"{meeting.get_kind_display()} {timezone.localtime(meeting.starts_at):%Y-%m-%d} {meeting.process.school.urn}"
    return private_download(exports.to_pdf(_minutes_context(request, meeting)),
                            filename=f"{name.replace(':', '')}.pdf", content_type="application/pdf")


@require_http_methods(["GET", "POST"])
def pack_send(request: HttpRequest, pk: int) -> HttpResponse:
    from improvement.interventions import boardpacks

    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.manage_process", meeting.process)
    error = ""
    if request.method == "POST":
        try:
            pack = boardpacks.send_board_pack(actor=request.user, meeting=meeting,
                                              link=request.build_absolute_uri(meeting.get_absolute_url()))
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, f"Pre-read pack compiled ({pack.pages} pages) and the board notified.")
            return redirect(meeting)
    return render(request, "interventions/pack_send.html", {
        "meeting": meeting, "error": error, "board": selectors.board(meeting.process),
    }, status=400 if error else 200)


@require_GET
def pack_download(request: HttpRequest, pk: int, pack_pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_user(user=request.user, pk=pk)
    require_perm(request, "interventions.download_pack", meeting.process)
    pack = get_object_or_404(meeting.packs, pk=pack_pk)
    name = f"Board pack {meeting.process.school.urn} {timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf"
    return private_download(bytes(pack.pdf), filename=name, content_type="application/pdf")


@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, urn: str) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    require_perm(request, "interventions.record_decision", school)
    deciders = _la_staff(request.user).filter(role__in=[Role.SENIOR_ADVISER, Role.LA_ADMIN])
    form = DecisionForm(request.POST or None, deciders=deciders,
                        initial={"decided_by": request.user.pk, "decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        process = selectors.visible_processes(request.user).filter(
            school=school, kind=ProcessKind.SIB, status__in=[ProcessStatus.OPEN, ProcessStatus.PAUSED]
        ).first()
        try:
            services.record_decision(
                actor=request.user, school=school, kind=form.cleaned_data["kind"], grounds=form.cleaned_data["grounds"],
                outcome=form.cleaned_data["outcome"], reasons=form.cleaned_data["reasons"],
                decided_by=form.cleaned_data["decided_by"], decided_on=form.cleaned_data["decided_on"],
                process=process,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Decision recorded. It is now locked.")
            return redirect("interventions:school_support", urn=school.urn)
    return render(request, "interventions/decision_form.html", {"form": form, "school": school},
                  status=400 if form.errors else 200)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require_perm(request, "interventions.view_dashboard")
    return render(request, "interventions/dashboard.html", {
        "board": selectors.dashboard(user=request.user),
    })
