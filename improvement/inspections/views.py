from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from improvement.core.forms import apply_errors
from improvement.inspections import services
from improvement.inspections.forms import EraChoiceForm, InspectionForm
from improvement.inspections.models import Inspection
from improvement.policy import frameworks
from improvement.schools.selectors import school_for_user


def _school_for_editing(request: HttpRequest, urn: str):
    school = school_for_user(user=request.user, urn=urn)
    if not request.user.has_perm("inspections.change_inspections", school):
        raise PermissionDenied
    return school


def _save(request, form: InspectionForm, school, era, instance: Inspection | None = None) -> bool:
    """Save through the service; a model-level refusal becomes a form error, nothing saved."""
    try:
        services.inspection_save(
            actor=request.user,
            school=school,
            era=era.key,
            inspection_type=form.cleaned_data["inspection_type"],
            start_date=form.cleaned_data["start_date"],
            publication_date=form.cleaned_data["publication_date"],
            judgements=form.judgements,
            category_of_concern=form.cleaned_data["category_of_concern"],
            instance=instance,
            reason="Edited by LA administrator" if instance else "Entered by LA administrator",
        )
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


@require_http_methods(["GET", "POST"])
def inspection_create(request: HttpRequest, urn: str) -> HttpResponse:
    """Two steps that work without JavaScript: choose the framework, then enter judgements."""
    school = _school_for_editing(request, urn)
    era_key = request.GET.get("era") or request.POST.get("era")
    if era_key not in frameworks.ERAS_BY_KEY:
        era_form = EraChoiceForm(request.GET if "era" in request.GET else None)
        era_form.is_valid()
        return render(request, "inspections/era_choice.html", {"form": era_form, "school": school})
    era = frameworks.get_era(era_key)
    form = InspectionForm(request.POST or None, era=era)
    if request.method == "POST" and form.is_valid() and _save(request, form, school, era):
        messages.success(request, "The inspection has been added to the history.")
        return redirect(f"{school.get_absolute_url()}#inspections")
    return render(request, "inspections/inspection_form.html", {"form": form, "school": school, "era": era})


@require_http_methods(["GET", "POST"])
def inspection_edit(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = _school_for_editing(request, urn)
    inspection = get_object_or_404(Inspection, pk=pk, school=school)
    era = inspection.framework
    form = InspectionForm(request.POST or None, era=era, instance=inspection)
    if request.method == "POST" and form.is_valid() and _save(request, form, school, era, inspection):
        messages.success(request, "The inspection has been saved.")
        return redirect(f"{school.get_absolute_url()}#inspections")
    return render(
        request,
        "inspections/inspection_form.html",
        {"form": form, "school": school, "era": era, "inspection": inspection},
    )
