"""Pages for policy decisions: overrides, flags, categorisation, agreed visits, the portfolio
and the authority's choice of packs. Views check permissions and hand over to services and
selectors; they hold no rules."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from improvement.core.csv_export import csv_response
from improvement.core.forms import apply_errors
from improvement.core.permissions import require_perm
from improvement.decisions import selectors, services
from improvement.decisions.forms import (
    AdditionalVisitsForm,
    AsOfForm,
    CategorisationForm,
    ClearFlagForm,
    FlagForm,
    OverrideForm,
    PackSettingForm,
    PortfolioFilterForm,
    RevokeForm,
    WithdrawVisitsForm,
    clean_academic_year,
)
from improvement.decisions.models import (
    AdditionalVisits,
    Categorisation,
    DecisionOverride,
    PackSettingChange,
    SchoolFlag,
)
from improvement.decisions.presenters import SUPPORT_LEVEL_ORDER
from improvement.policy.calendar import academic_year_name, academic_year_of, academic_year_start
from improvement.schools.models import Network, School
from improvement.schools.selectors import school_for_user


def _school(request: HttpRequest, urn: str, perm: str) -> School:
    """The school in the URL: 404 outside the user's scope, 403 without the permission."""
    school = school_for_user(user=request.user, urn=urn)
    require_perm(request, perm, school)
    return school


def _data(request: HttpRequest):
    """The POST data to bind, or None: an empty POST still binds (and fails validation)."""
    return request.POST if request.method == "POST" else None


def _panel_url(school: School) -> str:
    return reverse("schools:detail", kwargs={"urn": school.urn}) + "#monitoring-and-support"


def _render(request: HttpRequest, template: str, context: dict, *forms) -> HttpResponse:
    status = 400 if any(form.is_bound and form.errors for form in forms) else 200
    return render(request, template, context, status=status)


# Overrides ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def override_create(request: HttpRequest, urn: str, key: str) -> HttpResponse:
    school = _school(request, urn, "decisions.record_school_decisions")
    labels = selectors.known_decision_keys()
    if key not in labels:
        raise Http404("No such decision")
    _, as_of = AsOfForm.date_from(request.GET)
    computed = selectors.school_decision(school=school, key=key, as_of=as_of)
    active = DecisionOverride.objects.visible_to(request.user).filter(
        school=school, decision_key=key, revoked_at__isnull=True).select_related("created_by").first()
    form = OverrideForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_override(
                actor=request.user, school=school, decision_key=key, value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"], computed_value=computed.computed_text if computed else "",
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Override recorded for “{labels[key]}”.")
            return redirect(_panel_url(school))
    return _render(request, "decisions/override_form.html", {
        "school": school, "key": key, "label": labels[key], "decision": computed, "as_of": as_of,
        "active": active, "form": form,
    }, form)


@require_http_methods(["GET", "POST"])
def override_revoke(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = _school(request, urn, "decisions.record_school_decisions")
    override = get_object_or_404(
        DecisionOverride.objects.visible_to(request.user).select_related("created_by"), pk=pk, school=school)
    if not override.is_active:  # a second click, or another officer got there first
        messages.info(request, "That override had already been revoked.")
        return redirect(_panel_url(school))
    form = RevokeForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_override(actor=request.user, override=override, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The override has been revoked: the computed value applies again.")
            return redirect(_panel_url(school))
    label = selectors.known_decision_keys().get(override.decision_key, override.decision_key)
    return _render(request, "decisions/override_revoke.html", {
        "school": school, "override": override, "label": label, "form": form,
    }, form)


# Flags ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def flags(request: HttpRequest, urn: str) -> HttpResponse:
    """The school's flags, active and cleared, and (for officers) the form to raise one."""
    school = _school(request, urn, "decisions.view_school_decisions")
    rows = list(SchoolFlag.objects.visible_to(request.user).filter(school=school)
                .select_related("raised_by", "cleared_by"))
    can_record = request.user.has_perm("decisions.record_school_decisions", school)
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    active = [f for f in rows if f.is_active]
    form = FlagForm(_data(request), active_keys={f.key for f in active}) if can_record else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            flag = services.raise_flag(actor=request.user, school=school, key=form.cleaned_data["key"],
                                       note=form.cleaned_data["note"], raised_on=form.cleaned_data["raised_on"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Flag raised: {flag.label}.")
            return redirect("decisions:flags", urn=school.urn)
    return _render(request, "decisions/flags.html", {
        "school": school, "active": active, "cleared": [f for f in rows if not f.is_active],
        "form": form, "can_record": can_record,
    }, *([form] if form else []))


@require_http_methods(["GET", "POST"])
def flag_clear(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = _school(request, urn, "decisions.record_school_decisions")
    flag = get_object_or_404(SchoolFlag.objects.visible_to(request.user).select_related("raised_by"),
                             pk=pk, school=school)
    if not flag.is_active:
        messages.info(request, f"That flag had already been cleared: {flag.label}.")
        return redirect("decisions:flags", urn=school.urn)
    form = ClearFlagForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.clear_flag(actor=request.user, flag=flag, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Flag cleared: {flag.label}.")
            return redirect("decisions:flags", urn=school.urn)
    return _render(request, "decisions/flag_clear.html", {"school": school, "flag": flag, "form": form}, form)


# Categorisation and agreed visits -------------------------------------------------------------


def _year(request: HttpRequest) -> str:
    """The academic year asked for (?year=2023/24), else the current one; 404 for nonsense."""
    year = request.GET.get("year") or academic_year_of(timezone.localdate())
    try:
        return clean_academic_year(year)
    except ValidationError:
        raise Http404("No such academic year") from None


def _categorisation_url(school: School, year: str) -> str:
    return reverse("decisions:categorisation", kwargs={"urn": school.urn}) + "?" + urlencode({"year": year})


@require_http_methods(["GET", "POST"])
def categorisation(request: HttpRequest, urn: str) -> HttpResponse:
    school = _school(request, urn, "decisions.record_school_decisions")
    year = _year(request)
    current = Categorisation.objects.visible_to(request.user).filter(
        school=school, academic_year=year).select_related("recorded_by").first()
    initial = {}
    if current:
        initial = {
            "la_category": current.la_category or "",
            "kent_support_level": current.kent_support_level,
            "new_improvement_partner": {True: "yes", False: "no"}.get(current.new_improvement_partner, ""),
        }
    form = CategorisationForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_categorisation(actor=request.user, school=school, academic_year=year, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Categorisation for {year} saved.")
            return redirect(_categorisation_url(school, year))
    visits = list(AdditionalVisits.objects.visible_to(request.user).filter(school=school, academic_year=year)
                  .select_related("agreed_by", "withdrawn_by"))
    return _render(request, "decisions/categorisation.html", {
        "school": school, "year": year, "years": _year_choices(year), "current": current, "form": form,
        "visits": visits, "agreed_total": sum(v.count for v in visits if v.is_active),
    }, form)


def _year_choices(selected: str) -> list[str]:
    """Years to offer: every year a pack covers, the current year and the next, and `selected`."""
    now = academic_year_start(academic_year_of(timezone.localdate()))
    years = set(selectors.pack_years()) | {academic_year_name(now), academic_year_name(now + 1), selected}
    return sorted(years, reverse=True)


@require_http_methods(["GET", "POST"])
def additional_visits_create(request: HttpRequest, urn: str) -> HttpResponse:
    school = _school(request, urn, "decisions.record_school_decisions")
    year = _year(request)
    form = AdditionalVisitsForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.agree_additional_visits(actor=request.user, school=school, academic_year=year, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['count']} additional visit(s) recorded for {year}.")
            return redirect(_categorisation_url(school, year))
    return _render(request, "decisions/additional_visits_form.html",
                   {"school": school, "year": year, "form": form}, form)


@require_http_methods(["GET", "POST"])
def additional_visits_withdraw(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    school = _school(request, urn, "decisions.record_school_decisions")
    visits = get_object_or_404(AdditionalVisits.objects.visible_to(request.user).select_related("agreed_by"),
                               pk=pk, school=school)
    if not visits.is_active:
        messages.info(request, "Those additional visits had already been withdrawn.")
        return redirect(_categorisation_url(school, visits.academic_year))
    form = WithdrawVisitsForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_additional_visits(actor=request.user, visits=visits, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The additional visits have been withdrawn.")
            return redirect(_categorisation_url(school, visits.academic_year))
    return _render(request, "decisions/additional_visits_withdraw.html",
                   {"school": school, "visits": visits, "form": form}, form)


# Policy packs per academic year ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def packs(request: HttpRequest) -> HttpResponse:
    require_perm(request, "decisions.change_policy_packs")
    authority = request.user.authority
    initial = {}
    if request.method == "GET" and request.GET.get("year"):
        year = _year(request)
        initial = {"academic_year": year, "packs": (authority.policy_packs or {}).get(year, [])}
    form = PackSettingForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_policy_packs(actor=request.user, authority=authority,
                                      academic_year=form.cleaned_data["academic_year"],
                                      pack_ids=form.cleaned_data["packs"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            year = form.cleaned_data["academic_year"]
            messages.success(request, f"Policy packs for {year} saved." if form.cleaned_data["packs"]
                             else f"{year} now uses the default packs.")
            return redirect("decisions:packs")
    settings = authority.policy_packs or {}
    current_year = academic_year_of(timezone.localdate())
    years = sorted(set(settings) | {current_year}, reverse=True)
    rows = []
    for year in years:
        chosen = settings.get(year)
        ids = chosen or selectors.default_pack_ids(year)
        rows.append({"year": year, "is_default": not chosen, "packs": [selectors.pack_label(p) for p in ids]})
    return _render(request, "decisions/packs.html", {
        "form": form, "rows": rows, "catalogue": selectors.pack_catalogue(),
        "changes": list(PackSettingChange.objects.visible_to(request.user).select_related("changed_by")[:20]),
    }, form)


# Portfolio ------------------------------------------------------------------------------------

PAGE_SIZE = 50


def _portfolio(request: HttpRequest):
    """The filter form, the whole portfolio (for authority totals) and the filtered, sorted rows."""
    require_perm(request, "decisions.view_portfolio")
    data = request.GET.copy()
    for name in ("triggers", "early_warning"):
        data.setdefault(name, "")
    form = PortfolioFilterForm(data, user=request.user, support_levels=SUPPORT_LEVEL_ORDER)
    valid = form.is_valid()
    as_of = (form.cleaned_data.get("as_of") if valid else None) or timezone.localdate()
    whole = selectors.portfolio(user=request.user, as_of=as_of)
    rows = selectors.filter_rows(whole.rows, form.cleaned_data) if valid else whole.rows
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in selectors.PORTFOLIO_SORTS:
        sort = "name"
    return form, whole, selectors.sort_rows(rows, sort), sort


@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    form, whole, rows, sort = _portfolio(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "decisions/portfolio.html", {
        "form": form, "portfolio": whole, "page": page, "matching": len(rows), "sort": sort,
        "query_string": query.urlencode(),
    })


@require_GET
def portfolio_export(request: HttpRequest) -> HttpResponse:
    form, whole, rows, _ = _portfolio(request)
    networks = dict(Network.objects.visible_to(request.user).values_list("pk", "name"))
    header = ["URN", "School", "Phase", "Governance", "Networks", "LA category", "Kent support level",
              "Entitlement", "Support level", "Triggers", "Early warning", "Ofsted window from",
              "Ofsted window to", "Overridden decisions", "Decisions that cannot be made"]
    lines = (
        [
            r.school.urn, r.school.name, r.school.get_phase_display(), r.school.get_governance_display(),
            "; ".join(sorted(networks.get(n, "") for n in r.network_ids)),
            r.la_category or "", r.kent_support_level,
            "; ".join(f"{e.label}: {e.text}{' (overridden)' if e.overridden else ''}" for e in r.entitlements),
            r.support_overridden and f"{r.support_overridden} (overridden)" or (r.support_level or ("", ""))[1],
            "; ".join(r.triggers), "Yes" if r.early_warning else "No", r.window_from, r.window_to,
            "; ".join(r.overridden), r.undecided,
        ]
        for r in rows
    )
    return csv_response(f"portfolio-{whole.as_of:%Y-%m-%d}.csv", header, lines)


@require_GET
def early_warning(request: HttpRequest) -> HttpResponse:
    form, whole, _, _ = _portfolio(request)
    rows = selectors.early_warning_rows(whole.rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "decisions/early_warning.html", {"form": form, "portfolio": whole, "page": page})
