"""Pages for network focus support: the networks, one network's focus schools with support and
funding, and the forms to add or remove a focus school, record support and allocate funding.
Views check permissions and hand over to services and selectors; they hold no rules."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from improvement.core.forms import apply_errors
from improvement.core.permissions import require_perm
from improvement.decisions.forms import clean_academic_year
from improvement.networks import selectors, services
from improvement.networks.forms import (
    FocusAdditionForm,
    FocusRemovalForm,
    FundingForm,
    SupportOfferForm,
)
from improvement.networks.models import FocusSchoolAddition, FundingAllocation, SupportOffer
from improvement.policy.calendar import academic_year_of
from improvement.schools.models import Network, School

MANAGE = "networks.manage_support"


def _year(request: HttpRequest) -> str:
    """The academic year asked for (?year=2026/27), else the current one; 404 for nonsense."""
    year = request.GET.get("year") or academic_year_of(timezone.localdate())
    try:
        return clean_academic_year(year)
    except ValidationError:
        raise Http404("No such academic year") from None


def _network(request: HttpRequest, pk: int, perm: str) -> Network:
    """The network in the URL: 404 outside the user's authority, 403 without the permission."""
    network = get_object_or_404(Network.objects.visible_to(request.user).select_related("authority", "lead"), pk=pk)
    require_perm(request, perm, network)
    return network


def _member(request: HttpRequest, network: Network, urn: str) -> School:
    """A school of the network: 404 for a school outside the user's scope or the network."""
    school = get_object_or_404(School.objects.visible_to(request.user).select_related("authority"), urn=urn,
                               networks=network)
    require_perm(request, MANAGE, school)
    return school


def _data(request: HttpRequest):
    """The POST data to bind, or None: an empty POST still binds (and fails validation)."""
    return request.POST if request.method == "POST" else None


def _network_url(network: Network, year: str, school: School | None = None) -> str:
    url = reverse("networks:detail", kwargs={"pk": network.pk}) + "?" + urlencode({"year": year})
    return url + (f"#school-{school.urn}" if school is not None else "")


def _render(request: HttpRequest, template: str, context: dict, form) -> HttpResponse:
    return render(request, template, context, status=400 if form.is_bound and form.errors else 200)


@require_GET
def network_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, "networks.view_networks")
    year = _year(request)
    today = timezone.localdate()
    overview = selectors.network_overview(user=request.user, academic_year=year,
                                          as_of=selectors.as_of_for(year, today))
    return render(request, "networks/network_list.html", {
        "overview": overview, "year": year, "years": selectors.year_choices(year, today),
    })


@require_GET
def network_detail(request: HttpRequest, pk: int) -> HttpResponse:
    network = _network(request, pk, "networks.view_network")
    year = _year(request)
    today = timezone.localdate()
    focus = selectors.network_focus(user=request.user, network=network, academic_year=year,
                                    as_of=selectors.as_of_for(year, today))
    return render(request, "networks/network_detail.html", {
        "focus": focus, "network": network, "year": year, "years": selectors.year_choices(year, today),
        "can_manage": request.user.has_perm(MANAGE, network), "is_today": focus.as_of == today, "today": today,
    })


@require_http_methods(["GET", "POST"])
def focus_add(request: HttpRequest, pk: int, urn: str) -> HttpResponse:
    network = _network(request, pk, MANAGE)
    school = _member(request, network, urn)
    year = _year(request)
    form = FocusAdditionForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_focus_school(actor=request.user, school=school, academic_year=year,
                                      reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{school.name} is now a focus school for {year}.")
            return redirect(_network_url(network, year, school))
    return _render(request, "networks/focus_add.html",
                   {"network": network, "school": school, "year": year, "form": form}, form)


@require_http_methods(["GET", "POST"])
def focus_remove(request: HttpRequest, pk: int, addition_pk: int) -> HttpResponse:
    network = _network(request, pk, MANAGE)
    addition = get_object_or_404(
        FocusSchoolAddition.objects.visible_to(request.user).select_related("school", "added_by"),
        pk=addition_pk, school__networks=network,
    )
    require_perm(request, MANAGE, addition.school)
    if not addition.is_active:  # a second click, or someone else got there first
        messages.info(request, f"{addition.school.name} had already been removed as a focus school.")
        return redirect(_network_url(network, addition.academic_year, addition.school))
    form = FocusRemovalForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_focus_school(actor=request.user, addition=addition, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{addition.school.name} is no longer a focus school added by hand for "
                                      f"{addition.academic_year}.")
            return redirect(_network_url(network, addition.academic_year, addition.school))
    return _render(request, "networks/focus_remove.html",
                   {"network": network, "addition": addition, "form": form}, form)


def _support_form(request: HttpRequest, school: School, offer: SupportOffer | None = None) -> SupportOfferForm:
    initial = {}
    if offer is not None:
        initial = {"kind": offer.kind, "partner_school": offer.partner_school_id, "description": offer.description,
                   "provided_by": offer.provided_by, "start_date": offer.start_date, "status": offer.status}
    return SupportOfferForm(_data(request), user=request.user, school=school, initial=initial)


@require_http_methods(["GET", "POST"])
def support_add(request: HttpRequest, pk: int, urn: str) -> HttpResponse:
    network = _network(request, pk, MANAGE)
    school = _member(request, network, urn)
    year = _year(request)
    form = _support_form(request, school)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.record_support_offer(actor=request.user, school=school, academic_year=year,
                                                  **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Support recorded for {school.name}: {offer.get_kind_display().lower()}.")
            return redirect(_network_url(network, year, school))
    return _render(request, "networks/support_form.html",
                   {"network": network, "school": school, "year": year, "form": form, "offer": None}, form)


@require_http_methods(["GET", "POST"])
def support_change(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    network = _network(request, pk, MANAGE)
    offer = get_object_or_404(
        SupportOffer.objects.visible_to(request.user).select_related("school", "partner_school", "recorded_by"),
        pk=offer_pk, school__networks=network,
    )
    require_perm(request, MANAGE, offer.school)
    form = _support_form(request, offer.school, offer)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_support_offer(actor=request.user, offer=offer, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Support for {offer.school.name} saved.")
            return redirect(_network_url(network, offer.academic_year, offer.school))
    return _render(request, "networks/support_form.html", {
        "network": network, "school": offer.school, "year": offer.academic_year, "form": form, "offer": offer,
    }, form)


@require_http_methods(["GET", "POST"])
def funding(request: HttpRequest, pk: int, urn: str) -> HttpResponse:
    network = _network(request, pk, MANAGE)
    school = _member(request, network, urn)
    year = _year(request)
    current = FundingAllocation.objects.visible_to(request.user).filter(
        network=network, school=school, academic_year=year).select_related("allocated_by").first()
    initial = {"amount": current.amount, "purpose": current.purpose} if current else {}
    form = FundingForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            allocation = services.allocate_funding(actor=request.user, network=network, school=school,
                                                   academic_year=year, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"£{allocation.amount:,.2f} allocated to {school.name} for {year}.")
            return redirect(_network_url(network, year, school))
    return _render(request, "networks/funding_form.html", {
        "network": network, "school": school, "year": year, "form": form, "current": current,
    }, form)
