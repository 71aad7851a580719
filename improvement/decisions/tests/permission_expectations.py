"""Permission expectations for policy decisions (see core/tests/matrix.py).

Flags, categories, overrides and the portfolio are LA intelligence: school-side users never
see them. Every LA role reads them (flags page, portfolio); monitoring officers, senior
advisers and LA administrators record them; only LA administrators choose policy packs.
The officer of another authority gets 404 for our schools (and their own authority's empty
portfolio, which is theirs to see).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from improvement.core.tests.matrix import LA_STAFF, Expectation
from improvement.decisions.models import AdditionalVisits, DecisionOverride, SchoolFlag
from improvement.policy.snapshot import FLAGS

OFFICERS = frozenset({"la_admin", "senior_adviser", "monitoring_officer"})
ADMIN = frozenset({"la_admin"})
KEY = "dfe.ofsted_window"


def _school(ctx):
    return {"urn": ctx.school.urn}


def _sibling(ctx):
    return {"urn": ctx.sibling_school.urn}


def _override_url(ctx):
    return {"urn": ctx.school.urn, "key": KEY}


def _override_data(ctx):
    # Each allowed officer in turn records an override: revoke the previous officer's first
    # (refused roles run before any exists, so this changes nothing for them).
    DecisionOverride.objects.filter(school=ctx.school, decision_key=KEY, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    return {"value": "Window set by the Regional Director's office", "reason": "Letter of 3 March"}


def _override(ctx):
    override = DecisionOverride.objects.create(
        school=ctx.school, decision_key=KEY, value="x", reason="y", created_by=ctx.personas["senior_adviser"])
    return {"urn": ctx.school.urn, "pk": override.pk}


def _flag_data(ctx):
    raised = set(SchoolFlag.objects.filter(school=ctx.school, cleared_on__isnull=True).values_list("key", flat=True))
    key = next(k for k in FLAGS if k not in raised)
    today = timezone.localdate()
    return {"key": key, "note": "From the visit", "raised_on_day": today.day, "raised_on_month": today.month,
            "raised_on_year": today.year}


def _flag(ctx):
    flag = SchoolFlag.objects.create(school=ctx.school, key="cmo_visit_concerns", note="n",
                                     raised_on=date(2024, 1, 1), raised_by=ctx.personas["senior_adviser"])
    return {"urn": ctx.school.urn, "pk": flag.pk}


def _visits(ctx):
    visits = AdditionalVisits.objects.create(school=ctx.school, academic_year="2023/24", count=1, reason="r",
                                             agreed_on=date(2023, 9, 4), agreed_by=ctx.personas["senior_adviser"])
    return {"urn": ctx.school.urn, "pk": visits.pk}


def _visits_data(ctx):
    return {"count": "2", "reason": "New headteacher", "agreed_on_day": "4", "agreed_on_month": "9",
            "agreed_on_year": "2023"}


EXPECTATIONS = [
    Expectation("decisions:override_create", build=_override_url, allowed=OFFICERS, ok_statuses=(200,)),
    Expectation("decisions:override_create", build=lambda ctx: {"urn": ctx.sibling_school.urn, "key": KEY},
                allowed=OFFICERS, ok_statuses=(200,), note="sibling school"),
    Expectation("decisions:override_create", method="POST", build=_override_url, data=_override_data,
                allowed=OFFICERS, ok_statuses=(302,)),
    Expectation("decisions:override_revoke", build=_override, allowed=OFFICERS, ok_statuses=(200,)),
    Expectation("decisions:override_revoke", method="POST", build=_override, data=lambda ctx: {"reason": "Done"},
                allowed=OFFICERS, ok_statuses=(302,)),
    Expectation("decisions:flags", build=_school, allowed=LA_STAFF, ok_statuses=(200,)),
    Expectation("decisions:flags", build=_sibling, allowed=LA_STAFF, ok_statuses=(200,), note="sibling school"),
    Expectation("decisions:flags", method="POST", build=_school, data=_flag_data, allowed=OFFICERS,
                ok_statuses=(302,)),
    Expectation("decisions:flag_clear", build=_flag, allowed=OFFICERS, ok_statuses=(200,)),
    Expectation("decisions:flag_clear", method="POST", build=_flag, data=lambda ctx: {"reason": "Resolved"},
                allowed=OFFICERS, ok_statuses=(302,)),
    Expectation("decisions:categorisation", build=_school, allowed=OFFICERS, ok_statuses=(200,)),
    Expectation("decisions:categorisation", method="POST", build=_school,
                data=lambda ctx: {"la_category": "2", "kent_support_level": "", "new_improvement_partner": ""},
                allowed=OFFICERS, ok_statuses=(302,)),
    Expectation("decisions:additional_visits_create", build=_school, allowed=OFFICERS, ok_statuses=(200,)),
    Expectation("decisions:additional_visits_create", method="POST", build=_school, data=_visits_data,
                allowed=OFFICERS, ok_statuses=(302,)),
    Expectation("decisions:additional_visits_withdraw", build=_visits, allowed=OFFICERS, ok_statuses=(200,)),
    Expectation("decisions:additional_visits_withdraw", method="POST", build=_visits,
                data=lambda ctx: {"reason": "Entered twice"}, allowed=OFFICERS, ok_statuses=(302,)),
    Expectation("decisions:portfolio", allowed=LA_STAFF | {"other_la_officer"}, ok_statuses=(200,)),
    Expectation("decisions:portfolio_export", allowed=LA_STAFF | {"other_la_officer"}, ok_statuses=(200,)),
    Expectation("decisions:early_warning", allowed=LA_STAFF | {"other_la_officer"}, ok_statuses=(200,)),
    Expectation("decisions:packs", allowed=ADMIN, ok_statuses=(200,)),
    Expectation("decisions:packs", method="POST", allowed=ADMIN, ok_statuses=(302,),
                data=lambda ctx: {"academic_year": "2023/24", "packs": ["coventry-2023-24"]}),
]
