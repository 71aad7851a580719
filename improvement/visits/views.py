"""Visit pages. Views check permission, call a selector or a service, and render; no rules here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from improvement.accounts.models import User
from improvement.core.downloads import private_download
from improvement.core.permissions import require_perm
from improvement.schools.selectors import school_for_user
from improvement.visits import exports, lifecycle, selectors, services
from improvement.visits.content import judgement_areas
from improvement.visits.forms import (
    AmendForm,
    RecordForm,
    StepForm,
    VisitForm,
    form_groups,
    form_reviews,
)
from improvement.visits.models import GoodPractice, VisitRecord
from improvement.visits.prefill import known_people
from improvement.visits.writing_checks import check_record


@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, "visits.view_visit_list")
    visits = selectors.officer_visits(user=request.user)
    show = request.GET.get("show", "")
    if show == "overdue":
        visits = [v for v in visits if v.is_overdue]
    elif show == "open":
        visits = [v for v in visits if not v.is_locked]
    return render(request, "visits/visit_list.html", {"visits": visits, "show": show})


@require_GET
def school_visits(request: HttpRequest, urn: str) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    require_perm(request, "visits.view_school_visits", school)
    return render(request, "visits/school_visits.html", {
        "school": school,
        "visits": selectors.school_visits(user=request.user, school=school),
        "can_add": request.user.has_perm("visits.add_visit", school) and school.is_open,
    })


@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, urn: str) -> HttpResponse:
    school = school_for_user(user=request.user, urn=urn)
    require_perm(request, "visits.add_visit", school)
    if not school.is_open:
        messages.error(request, "This school is closed: you cannot record a new visit to it.")
        return redirect("visits:school_visits", urn=school.urn)
    day = timezone.localdate()
    templates = services.usable_templates(authority=school.authority, day=day)
    officers = User.objects.filter(
        authority=request.user.authority, role__in=services.VISITING_ROLES, is_active=True
    ).exclude(pk=request.user.pk)
    form = VisitForm(request.POST or None, templates=templates, officers=officers)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.create_visit(
                actor=request.user, school=school, template=form.cleaned_data["template"],
                day=form.cleaned_data["date"], focus=form.cleaned_data["focus"],
                officers=list(form.cleaned_data.get("other_officers") or []),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "The visit has been added and its record started.")
            return redirect("visits:edit", pk=visit.pk)
    return render(request, "visits/visit_form.html", {"form": form, "school": school})


def _record_form(request, visit, record, data=None, *, autosave=False) -> RecordForm:
    carried = list(services.carried_forward_actions(visit))
    form = RecordForm(
        data, initial={"version": record.version}, template=visit.template, content=record.content,
        areas=judgement_areas(visit), carried_forward=carried, reviews=record.action_reviews,
    )
    form.autosave = autosave
    return form


def _edit_context(request, visit, form, *, amend_form=None):
    return {
        "visit": visit,
        "school": visit.school,
        "template": visit.template,
        "form": form,
        "groups": form_groups(visit.template, form),
        "reviews": form_reviews(form),
        "view": selectors.record_display(visit=visit, role=request.user.role),
        "amend_form": amend_form,
    }


def _conflict(request, visit, form: RecordForm, current: VisitRecord, *, amend_reason: str = "") -> HttpResponse:
    """Both versions side by side; the officer chooses. Never a silent overwrite."""
    mine = form.to_content()
    theirs = current.content or {}
    labels = {f.key: f.label for _s, f in visit.template.all_fields()}
    differences = [
        {"label": labels.get(key, key), "mine": _as_text(mine.get(key)), "theirs": _as_text(theirs.get(key))}
        for key in labels
        if _as_text(mine.get(key)) != _as_text(theirs.get(key))
    ]
    posted = [(k, v) for k in request.POST for v in request.POST.getlist(k)
              if k not in ("version", "csrfmiddlewaretoken")]
    return render(request, "visits/conflict.html", {
        "visit": visit, "differences": differences, "posted": posted, "current": current,
        "amend_reason": amend_reason,
    }, status=409)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(
            " | ".join(str(v) for k, v in row.items() if k != "uid" and v) if isinstance(row, dict) else str(row)
            for row in value
        )
    if isinstance(value, dict):
        return "\n".join(f"{k}: " + " | ".join(str(v) for v in (c.values() if isinstance(c, dict) else [c]) if v)
                         for k, c in value.items())
    return str(value)


@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    require_perm(request, "visits.change_record", visit)
    if visit.status != lifecycle.DRAFT:
        messages.error(request, "This record is not a draft, so it cannot be edited here.")
        return redirect("visits:detail", pk=visit.pk)
    record = visit.record
    form = _record_form(request, visit, record, request.POST or None)
    if request.method == "POST" and form.is_valid():
        content = services.ensure_row_uids(visit.template, form.to_content())
        try:
            services.save_record(actor=request.user, visit=visit, content=content,
                                 expected_version=form.cleaned_data["version"], action_reviews=form.to_reviews())
        except services.StaleRecord as exc:
            return _conflict(request, visit, form, exc.current)
        except services.RecordLocked as exc:
            messages.error(request, str(exc))
            return redirect("visits:detail", pk=visit.pk)
        messages.success(request, f"Saved at {timezone.localtime():%H:%M}.")
        if "send" in request.POST:
            return redirect("visits:step", pk=visit.pk, step="send")
        return redirect("visits:edit", pk=visit.pk)
    return render(request, "visits/record_edit.html", _edit_context(request, visit, form),
                  status=400 if form.errors else 200)


@require_POST
def visit_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx autosave: the same save as the Save button, answering with a status line."""
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    require_perm(request, "visits.change_record", visit)
    record = visit.record
    form = _record_form(request, visit, record, request.POST, autosave=True)
    if not form.is_valid():
        return render(request, "visits/includes/autosave_status.html",
                      {"state": "invalid", "errors": form.errors}, status=200)
    content = services.ensure_row_uids(visit.template, form.to_content())
    try:
        saved = services.save_record(actor=request.user, visit=visit, content=content,
                                     expected_version=form.cleaned_data["version"],
                                     action_reviews=form.to_reviews())
    except services.StaleRecord:
        return render(request, "visits/includes/autosave_status.html", {"state": "conflict"}, status=200)
    except services.RecordLocked as exc:
        return render(request, "visits/includes/autosave_status.html", {"state": "locked", "message": str(exc)})
    return render(request, "visits/includes/autosave_status.html",
                  {"state": "saved", "at": timezone.localtime(), "version": saved.version})


@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    require_perm(request, "visits.view_visit", visit)
    user = request.user
    steps = [s for s in lifecycle.steps_from(visit.status) if services.can_take_step(user, visit, s)]
    changes = list(visit.status_changes.select_related("actor"))
    section_titles = {s.key: s.title for s in visit.template.sections}
    for change in changes:
        change.section_list = [(section_titles.get(k, k), v) for k, v in (change.section_comments or {}).items()]
    return render(request, "visits/visit_detail.html", {
        "visit": visit,
        "school": visit.school,
        "view": selectors.record_display(visit=visit, role=user.role),
        "changes": changes,
        "revisions": list(visit.revisions.select_related("actor")) if visit.is_locked else [],
        "due_dates": selectors.due_dates(visit),
        "steps": steps,
        "can_edit": visit.status == lifecycle.DRAFT and user.has_perm("visits.change_record", visit),
        "can_amend": visit.is_locked and user.has_perm("visits.amend_record", visit),
        "distributions": list(visit.distributions.select_related("recipient")) if user.is_la_staff else [],
        "can_share_with_chair": (
            visit.status == lifecycle.DISTRIBUTED and "chair_of_governors" not in visit.template.distribution
            and user.has_perm("visits.respond_to_record", visit.school)
        ),
    })


@require_http_methods(["GET", "POST"])
def visit_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    require_perm(request, "visits.view_visit", visit)
    the_step = lifecycle.STEPS.get(step)
    if the_step is None:
        raise Http404("No such step")
    if not services.can_take_step(request.user, visit, the_step):
        raise PermissionDenied
    sections = visit.template.sections_visible_to(request.user.role) if step == "mark_inaccurate" else ()
    form = StepForm(request.POST if request.method == "POST" else None, sections=sections,
                    comment_label=the_step.comment_label)
    warnings = []
    if step == "send":
        areas = {a.key: a.label for a in judgement_areas(visit)}
        warnings = check_record(visit.template, visit.record.content,
                                known_people=known_people(visit.school, visit.staff_present),
                                judgement_labels=areas)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.transition(
                actor=request.user, visit=visit, step_name=step,
                comment=form.cleaned_data["comment"], section_comments=form.section_comments(),
                link=request.build_absolute_uri(reverse("visits:detail", kwargs={"pk": visit.pk})),
            )
        except (lifecycle.IllegalStep, ValidationError) as exc:
            error = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        else:
            messages.success(request, f"Done: {lifecycle.STATUS_LABELS[the_step.target].lower()}.")
            return redirect("visits:detail", pk=visit.pk)
    if error:
        form.add_error(None, error)
    allowed_now = visit.status in the_step.sources
    return render(request, "visits/step_confirm.html", {
        "visit": visit, "step": the_step, "form": form, "warnings": warnings,
        "allowed_now": allowed_now,
        "not_allowed_message": "" if allowed_now else _illegal_message(step, visit.status),
        "recipients": services._recipients(visit, visit.template) if step == "distribute" else [],
        "sections": sections,
    }, status=400 if error else 200)


def _illegal_message(step: str, status: str) -> str:
    try:
        lifecycle.check_step(step, status)
    except lifecycle.IllegalStep as exc:
        return str(exc)
    return ""


@require_http_methods(["GET", "POST"])
def visit_amend(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    require_perm(request, "visits.amend_record", visit)
    if not visit.is_locked:
        messages.error(request, "Only a finalised record is amended; edit the draft instead.")
        return redirect("visits:detail", pk=visit.pk)
    record = visit.record
    form = _record_form(request, visit, record, request.POST or None)
    # Reviews of carried-forward actions were settled at finalisation.
    for name in [n for n in form.fields if n.startswith("review-")]:
        del form.fields[name]
    form.carried_forward = []
    amend_form = AmendForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and amend_form.is_valid():
        content = services.ensure_row_uids(visit.template, form.to_content())
        try:
            services.amend_record(actor=request.user, visit=visit, content=content,
                                  expected_version=form.cleaned_data["version"],
                                  reason=amend_form.cleaned_data["reason"])
        except services.StaleRecord as exc:
            return _conflict(request, visit, form, exc.current, amend_reason=amend_form.cleaned_data["reason"])
        except ValidationError as exc:
            amend_form.add_error("reason", exc.messages[0])
        else:
            messages.success(request, "The amendment has been saved as a new version of the record.")
            return redirect("visits:detail", pk=visit.pk)
    context = _edit_context(request, visit, form, amend_form=amend_form)
    return render(request, "visits/record_edit.html", context,
                  status=400 if (form.errors or amend_form.errors) else 200)


@require_GET
def visit_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    require_perm(request, "visits.view_visit", visit)
    view = selectors.record_display(visit=visit, role=request.user.role)
    filename = exports.filename(visit, fmt)
    if fmt == "docx":
        body, content_type = exports.to_docx(view), exports.DOCX_TYPE
    elif fmt == "pdf":
        body, content_type = exports.to_pdf(view), "application/pdf"
    else:
        raise Http404("Unknown format")
    return private_download(body, filename=filename, content_type=content_type)


@require_http_methods(["GET", "POST"])
def visit_share_with_chair(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    require_perm(request, "visits.respond_to_record", visit.school)
    error = ""
    if request.method == "POST":
        try:
            chairs = services.share_with_chair(
                actor=request.user, visit=visit,
                link=request.build_absolute_uri(reverse("visits:detail", kwargs={"pk": visit.pk})),
            )
        except lifecycle.IllegalStep as exc:
            error = str(exc)
        else:
            messages.success(request, "Shared with the chair of governors." if chairs
                             else "The chair of governors already has this record.")
            return redirect("visits:detail", pk=visit.pk)
    chairs = User.objects.filter(school=visit.school, role="chair_of_governors", is_active=True)
    return render(request, "visits/share_with_chair.html", {
        "visit": visit, "chairs": list(chairs), "error": error,
        "allowed_now": visit.status == lifecycle.DISTRIBUTED,
    }, status=400 if error else 200)


@require_GET
def good_practice(request: HttpRequest) -> HttpResponse:
    require_perm(request, "visits.view_good_practice")
    items = GoodPractice.objects.visible_to(request.user).select_related("school", "source_visit")
    query = request.GET.get("q", "").strip()[:200]
    area = request.GET.get("area", "").strip()[:200]
    if query:
        items = items.filter(Q(description__icontains=query) | Q(area__icontains=query) | Q(school__name__icontains=query))
    if area:
        items = items.filter(area=area)
    areas = (GoodPractice.objects.visible_to(request.user).order_by("area")
             .values_list("area", flat=True).distinct())
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "visits/good_practice.html", {
        "page": page, "query": query, "area": area, "areas": list(areas),
    })
