from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from improvement.core.csv_export import csv_response
from improvement.core.history import change_log
from improvement.core.permissions import require_perm
from improvement.decisions.selectors import school_panel
from improvement.schools import selectors, services
from improvement.schools.filters import SchoolFilter
from improvement.schools.forms import MeasureForm, SchoolForm
from improvement.schools.models import ContextMeasure, School
from improvement.schools.presenters import inspections_by_era

PAGE_SIZE = 50



def _filtered_schools(request: HttpRequest) -> SchoolFilter:
    sort = request.GET.get("sort", "name")
    return SchoolFilter(request.GET, queryset=selectors.school_list(user=request.user, sort=sort), user=request.user)


@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, "schools.view_school_list")
    school_filter = _filtered_schools(request)
    page = selectors.NarrowSortPaginator(school_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schools/school_list.html",
        {
            "filter": school_filter,
            "page": page,
            "sort": request.GET.get("sort", "name"),
            "query_string": query.urlencode(),
        },
    )


@require_GET
def school_export(request: HttpRequest) -> HttpResponse:
    require_perm(request, "schools.export_school_list")
    schools = _filtered_schools(request).qs
    header = ["URN", "DfE number", "Name", "Phase", "Governance", "Status", "Trust",
              "Latest full inspection", "Latest outcome", "Pupils on roll", "Headteacher"]
    rows = (
        [
            s.urn, s.dfe_number, s.name, s.get_phase_display(), s.get_governance_display(),
            s.get_status_display(), s.trust.name if s.trust else "",
            s.latest_full_inspection.start_date.isoformat() if s.latest_full_inspection else "",
            s.latest_full_inspection.outcome_label if s.latest_full_inspection else "Not inspected",
            s.pupils_on_roll if s.pupils_on_roll is not None else "", s.headteacher_name,
        ]
        for s in schools.iterator(chunk_size=2000)
    )
    return csv_response(f"schools-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


@require_GET
def school_detail(request: HttpRequest, urn: str) -> HttpResponse:
    school = selectors.school_for_user(user=request.user, urn=urn)
    require_perm(request, "schools.view_school", school)
    inspections = selectors.inspection_history(school)
    years, measure_rows = selectors.measures_table(school)
    history = None
    if request.user.has_perm("schools.view_school_history", school):
        history = change_log(
            [
                ("School", School.history.filter(id=school.pk)),
                ("Inspection", school.inspections.model.history.filter(school_id=school.pk)),
                ("Context measure", ContextMeasure.history.filter(school_id=school.pk)),
            ]
        )
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "networks": list(school.networks.all()),
            "contacts": list(school.contacts.all()),
            "events": list(school.events.all()[:10]),
            "era_groups": inspections_by_era(inspections),
            "latest": school.latest_full_inspection,
            "years": years,
            "measure_rows": measure_rows,
            "history": history,
            "policy_panel": school_panel(user=request.user, school=school, query=request.GET),
            "can_edit": request.user.has_perm("schools.change_school", school),
            "can_edit_inspections": request.user.has_perm("inspections.change_inspections", school),
            "can_edit_measures": request.user.has_perm("schools.change_measures", school),
            "can_view_documents": request.user.has_perm("documents.view_documents", school),
            "can_view_support": request.user.has_perm("interventions.view_school_support", school),
        },
    )


@require_http_methods(["GET", "POST"])
def school_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, "schools.add_school")
    form = SchoolForm(request.POST or None, authority=request.user.authority)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("networks", "dfe_number")}
        data["establishment_number"] = form.instance.establishment_number
        school = services.school_create(
            actor=request.user, authority=request.user.authority, data=data,
            networks=form.cleaned_data["networks"],
        )
        messages.success(request, f"{school.name} has been added to the register.")
        return redirect("schools:detail", urn=school.urn)
    return render(request, "schools/school_form.html", {"form": form, "school": None})


@require_http_methods(["GET", "POST"])
def school_edit(request: HttpRequest, urn: str) -> HttpResponse:
    school = selectors.school_for_user(user=request.user, urn=urn)
    require_perm(request, "schools.change_school", school)
    # Bind to a fresh copy so a failed validation never leaves half-applied values around.
    form = SchoolForm(request.POST or None, instance=School.objects.get(pk=school.pk), authority=school.authority)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("networks", "dfe_number")}
        data["establishment_number"] = form.instance.establishment_number
        services.school_update(actor=request.user, school=school, data=data, networks=form.cleaned_data["networks"])
        messages.success(request, "The school's details have been saved.")
        return redirect("schools:detail", urn=school.urn)
    return render(request, "schools/school_form.html", {"form": form, "school": school})


@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, urn: str, pk: int | None = None) -> HttpResponse:
    school = selectors.school_for_user(user=request.user, urn=urn)
    require_perm(request, "schools.change_measures", school)
    instance = get_object_or_404(ContextMeasure, pk=pk, school=school) if pk else None
    today = timezone.localdate()
    current_year = today.year if today.month >= 8 else today.year - 1
    form = MeasureForm(request.POST or None, instance=instance, school=school, current_year=current_year)
    if request.method == "POST" and form.is_valid():
        services.measure_save(actor=request.user, measure=form.instance)
        messages.success(request, "The context measure has been saved.")
        return redirect(f"{school.get_absolute_url()}#measures")
    return render(request, "schools/measure_form.html", {"form": form, "school": school, "measure": instance})
