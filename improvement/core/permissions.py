"""Every permission in the product, in one place (django-rules).

Views and exports ask `user.has_perm(name, obj)`; querysets are already narrowed to the user's
authority (core/scoping.py), and these rules add what each role may do with an object.
Deny by default: a permission not defined here is refused.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied

from improvement.accounts.roles import LA_STAFF_ROLES, Role


def require_perm(request, perm: str, obj=None) -> None:
    """Refuse the request (403) unless the signed-in user has `perm` on `obj`. Views call this
    after fetching the object through its scoped queryset, which has already 404ed anything
    outside the user's authority or school."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _has_role(*roles: Role):
    allowed = frozenset(roles)

    @rules.predicate(name=f"has_role({', '.join(sorted(allowed))})")
    def predicate(user) -> bool:
        return bool(getattr(user, "is_authenticated", False) and user.role in allowed)

    return predicate


is_la_staff = _has_role(*LA_STAFF_ROLES)
is_la_admin = _has_role(Role.LA_ADMIN)
is_senior_adviser = _has_role(Role.SENIOR_ADVISER)


def _school_of(obj):
    """The school an object belongs to: the school itself, or obj.school."""
    return obj if obj.__class__.__name__ == "School" else getattr(obj, "school", None)


@rules.predicate
def in_users_authority(user, obj) -> bool:
    school = _school_of(obj)
    authority_id = school.authority_id if school is not None else getattr(obj, "authority_id", None)
    return authority_id is not None and authority_id == user.authority_id


@rules.predicate
def is_own_school(user, obj) -> bool:
    school = _school_of(obj)
    if school is None:
        return False
    if user.role in (Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS):
        return school.pk == user.school_id
    if user.role == Role.TRUST_CEO:
        return school.trust_id is not None and school.trust_id == user.trust_id
    return False


la_staff_in_authority = is_la_staff & in_users_authority

rules.add_perm("schools.view_school_list", is_la_staff | _has_role(Role.TRUST_CEO))
rules.add_perm("schools.export_school_list", is_la_staff)
rules.add_perm("schools.view_school", la_staff_in_authority | (in_users_authority & is_own_school))
rules.add_perm("schools.view_school_history", la_staff_in_authority)
rules.add_perm("schools.view_contacts", la_staff_in_authority | (in_users_authority & is_own_school))
rules.add_perm("schools.add_school", is_la_admin)
rules.add_perm("schools.change_school", is_la_admin & in_users_authority)
rules.add_perm("schools.change_measures", is_la_admin & in_users_authority)
rules.add_perm("inspections.change_inspections", is_la_admin & in_users_authority)

# --- Visits and their records (improvement/visits) ------------------------------------------
# Officers draft and edit the visits they made; senior advisers see all of the authority's
# records and moderate; a headteacher sees the school's records once sent for an accuracy
# check; chairs of governors and trust CEOs see finalised records distributed to them.
is_visiting_officer = _has_role(Role.MONITORING_OFFICER, Role.SENIOR_ADVISER)
SCHOOL_SIDE_ROLES = (Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS, Role.TRUST_CEO)


@rules.predicate
def is_officer_of_visit(user, visit) -> bool:
    return any(officer.pk == user.pk for officer in visit.officers.all())


@rules.predicate
def headteacher_may_read(user, visit) -> bool:
    return user.role == Role.HEADTEACHER and visit.school_id == user.school_id and visit.first_sent_at is not None


@rules.predicate
def received_record(user, visit) -> bool:
    return visit.distributions.filter(recipient=user).exists()


senior_adviser_in_authority = is_senior_adviser & in_users_authority
visit_officer_in_authority = is_visiting_officer & in_users_authority & is_officer_of_visit

rules.add_perm("visits.view_visit_list", is_visiting_officer | _has_role(*SCHOOL_SIDE_ROLES))
rules.add_perm("visits.add_visit", is_visiting_officer & in_users_authority)
rules.add_perm(
    "visits.view_visit",
    senior_adviser_in_authority
    | visit_officer_in_authority
    | (in_users_authority & headteacher_may_read)
    | (in_users_authority & _has_role(Role.CHAIR_OF_GOVERNORS, Role.TRUST_CEO) & received_record),
)
rules.add_perm("visits.view_school_visits", is_visiting_officer & in_users_authority
               | (_has_role(Role.HEADTEACHER) & in_users_authority & is_own_school))
rules.add_perm("visits.change_record", visit_officer_in_authority)
rules.add_perm("visits.amend_record", visit_officer_in_authority | senior_adviser_in_authority)
rules.add_perm("visits.moderate_record", senior_adviser_in_authority)
rules.add_perm("visits.respond_to_record", _has_role(Role.HEADTEACHER) & in_users_authority & is_own_school)
rules.add_perm("visits.view_good_practice", is_la_staff)

# --- Actions (improvement/actions) -------------------------------------------------------------
rules.add_perm("actions.view_school_actions", la_staff_in_authority | (in_users_authority & is_own_school))
rules.add_perm("actions.view_overdue_actions", is_visiting_officer)

# --- Concerns (improvement/concerns): the senior advisers' queue ------------------------------
rules.add_perm("concerns.view_concern_queue", is_senior_adviser)
rules.add_perm("concerns.change_concern", senior_adviser_in_authority)
rules.add_perm("concerns.view_concern_flag", la_staff_in_authority)

# --- Imports (improvement/imports): LA administrators load public data -------------------------
rules.add_perm("imports.view_import_log", is_la_admin)
rules.add_perm("imports.run_import", is_la_admin)
rules.add_perm("imports.view_import_run", is_la_admin & in_users_authority)

# --- Policy decisions (improvement/decisions) --------------------------------------------------
# Decisions, flags and categories are LA intelligence: every LA role reads them; monitoring
# officers, senior advisers and LA administrators record flags, categories, agreed visits and
# overrides; LA administrators choose which policy packs apply in which year.
is_policy_officer = _has_role(Role.LA_ADMIN, Role.SENIOR_ADVISER, Role.MONITORING_OFFICER)

rules.add_perm("decisions.view_school_decisions", la_staff_in_authority)
rules.add_perm("decisions.record_school_decisions", is_policy_officer & in_users_authority)
rules.add_perm("decisions.view_portfolio", is_la_staff)
rules.add_perm("decisions.change_policy_packs", is_la_admin)

# --- Visit planning (improvement/planning) -----------------------------------------------------
# Every LA role reads who each school's officer is and how continuous support has been; senior
# advisers and LA administrators allocate officers; the handover checklist is ticked by them or
# by the outgoing or incoming officer. School-side users see none of it.
is_allocator = _has_role(Role.SENIOR_ADVISER, Role.LA_ADMIN)


@rules.predicate
def is_handover_officer(user, handover) -> bool:
    return user.pk in (handover.from_officer_id, handover.to_officer_id)


rules.add_perm("planning.view_allocations", is_la_staff)
rules.add_perm("planning.allocate_officer", is_allocator & in_users_authority)
rules.add_perm("planning.view_handover", la_staff_in_authority)
rules.add_perm("planning.tick_handover", (is_allocator | is_handover_officer) & la_staff_in_authority)


@rules.predicate
def is_planned_visit_officer(user, planned_visit) -> bool:
    return planned_visit.officer_id == user.pk


rules.add_perm("planning.view_plan", is_la_staff)
rules.add_perm("planning.run_planner", is_allocator)
rules.add_perm("planning.view_planned_visit", la_staff_in_authority)
rules.add_perm("planning.change_planned_visit",
               (is_allocator | (is_visiting_officer & is_planned_visit_officer)) & la_staff_in_authority)


@rules.predicate
def is_self_or_senior_adviser(user, officer) -> bool:
    if officer is None:
        return False
    return officer.pk == user.pk or (user.role == Role.SENIOR_ADVISER and officer.authority_id == user.authority_id)


# Officers read their own diary, senior advisers everyone's; school-side users see the agreed
# visits to their own school (or trust's schools). Feeds are the officers' own.
rules.add_perm("planning.view_diary", is_visiting_officer | _has_role(*SCHOOL_SIDE_ROLES))
rules.add_perm("planning.view_officer_diary", is_visiting_officer & is_self_or_senior_adviser)
rules.add_perm("planning.manage_feed", is_visiting_officer)
rules.add_perm("planning.set_capacity", is_allocator)
rules.add_perm("planning.choose_reminders", is_visiting_officer | _has_role(Role.HEADTEACHER))


@rules.predicate
def is_self_senior_adviser_or_admin(user, officer) -> bool:
    if officer is None:
        return False
    same = officer.authority_id == user.authority_id
    return officer.pk == user.pk or (same and user.role in (Role.SENIOR_ADVISER, Role.LA_ADMIN))


# Kent time accounting: officers log their own time; every LA role reads a school's time;
# officers read their own termly summary, senior advisers and administrators everyone's (for
# invoicing); administrators set the daily rates.
rules.add_perm("planning.view_school_time", la_staff_in_authority)
rules.add_perm("planning.log_time", is_visiting_officer)
rules.add_perm("planning.view_time_summary", is_visiting_officer | is_la_admin)
rules.add_perm("planning.view_officer_time", (is_visiting_officer | is_la_admin) & is_self_senior_adviser_or_admin)
rules.add_perm("planning.set_daily_rate", is_la_admin)

# --- Support and intervention processes (improvement/interventions) ----------------------------
# LA staff of the authority see a school's processes and their timelines; school-side users see
# the processes whose board they sit on. Minutes of a "Private & Confidential" process (SIB, PCI)
# are read only by its current board members and the authority's senior advisers. The process's
# chair or a senior adviser runs it; escalation decisions are the senior advisers'.


def _process_of(obj):
    return getattr(obj, "process", obj)


@rules.predicate
def sits_on_board(user, obj) -> bool:
    process = _process_of(obj)
    return process is not None and process.members.filter(user_id=user.pk, left_at__isnull=True).exists()


@rules.predicate
def chairs_process(user, obj) -> bool:
    process = _process_of(obj)
    return process is not None and process.chair_id == user.pk


@rules.predicate
def is_not_confidential(user, obj) -> bool:
    process = _process_of(obj)
    return process is not None and not process.private_and_confidential


@rules.predicate
def in_process_authority(user, obj) -> bool:
    process = _process_of(obj)
    return process is not None and process.school.authority_id == user.authority_id


@rules.predicate
def minutes_released(user, meeting) -> bool:
    """Draft minutes are the chair's; the headteacher reads them from the accuracy check on; the
    rest of the board once they are shared."""
    if meeting.process.chair_id == user.pk or user.role == Role.SENIOR_ADVISER:
        return True
    if user.role == Role.HEADTEACHER:
        return meeting.status in ("sent_for_accuracy_check", "accurate", "commented", "finalised", "shared")
    return meeting.status == "shared"


rules.add_perm("interventions.view_school_support",
               la_staff_in_authority | (in_users_authority & _has_role(Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS)
                                        & is_own_school))
rules.add_perm("interventions.view_process", in_process_authority & (is_la_staff | sits_on_board))
rules.add_perm("interventions.view_minutes",
               in_process_authority & minutes_released
               & (sits_on_board | is_senior_adviser | (is_la_staff & is_not_confidential)))
rules.add_perm("interventions.open_process", is_visiting_officer & in_users_authority)
rules.add_perm("interventions.manage_process", in_process_authority & (chairs_process | is_senior_adviser))
rules.add_perm("interventions.respond_to_minutes",
               in_process_authority & _has_role(Role.HEADTEACHER) & sits_on_board)
# The pre-read pack gathers the board's confidential papers: the board and senior advisers only.
rules.add_perm("interventions.download_pack", in_process_authority & (sits_on_board | is_senior_adviser))
rules.add_perm("interventions.view_decisions", la_staff_in_authority)
rules.add_perm("interventions.record_decision", senior_adviser_in_authority)
rules.add_perm("interventions.view_dashboard", is_senior_adviser)

# --- School documents (improvement/documents): board pre-reads ------------------------------
# LA staff of the school's authority and the school's own headteacher, chair of governors and
# trust CEO (for their trust's schools) see and download current documents; only LA staff see
# withdrawn ones (listed, not downloadable). The school's headteacher, the authority's
# monitoring officers and senior advisers and LA administrators upload. The uploader, or a
# senior adviser or LA administrator of the authority, withdraws.
@rules.predicate
def is_uploader(user, document) -> bool:
    return document is not None and document.uploaded_by_id == user.pk


may_upload_document = in_users_authority & (
    (_has_role(Role.HEADTEACHER) & is_own_school)
    | _has_role(Role.MONITORING_OFFICER, Role.SENIOR_ADVISER, Role.LA_ADMIN)
)
rules.add_perm("documents.view_documents", la_staff_in_authority | (in_users_authority & is_own_school))
rules.add_perm("documents.view_withdrawn_documents", la_staff_in_authority)
rules.add_perm("documents.upload_document", may_upload_document)
rules.add_perm("documents.withdraw_document",
               (may_upload_document & is_uploader)
               | (_has_role(Role.SENIOR_ADVISER, Role.LA_ADMIN) & in_users_authority))

# --- Ofsted inspection events (improvement/ofsted_events) -------------------------------------
# Notifications, feedback forms and HMI and subject feedback are LA intelligence: every LA role
# of the authority reads them; monitoring officers, senior advisers and LA administrators log
# notifications and record feedback. A section 5 feedback form stays confidential until the
# report is confirmed published; then the school's headteacher may read it (read only), and it
# can no longer be edited. Calibration across the authority: senior advisers and LA admins.
is_ofsted_recorder = _has_role(Role.LA_ADMIN, Role.SENIOR_ADVISER, Role.MONITORING_OFFICER)
own_school_headteacher = _has_role(Role.HEADTEACHER) & in_users_authority & is_own_school


@rules.predicate
def feedback_is_published(user, feedback) -> bool:
    return feedback is not None and feedback.is_published


@rules.predicate
def feedback_is_provisional(user, feedback) -> bool:
    return feedback is not None and feedback.is_provisional


# The link on the school profile (no object: the profile has already scoped the school).
rules.add_perm("ofsted_events.view_ofsted_events", is_la_staff | _has_role(Role.HEADTEACHER))
rules.add_perm("ofsted_events.view_school_events", la_staff_in_authority | own_school_headteacher)
rules.add_perm("ofsted_events.view_event", la_staff_in_authority)
rules.add_perm("ofsted_events.record_event", is_ofsted_recorder & in_users_authority)
rules.add_perm("ofsted_events.view_feedback_form",
               la_staff_in_authority | (own_school_headteacher & feedback_is_published))
rules.add_perm("ofsted_events.change_feedback_form",
               is_ofsted_recorder & in_users_authority & ~feedback_is_published)
rules.add_perm("ofsted_events.confirm_feedback_form",
               is_ofsted_recorder & in_users_authority & feedback_is_provisional)
rules.add_perm("ofsted_events.view_calibration", is_senior_adviser | is_la_admin)

# --- Network focus support (improvement/networks) ----------------------------------------------
# Every LA role reads the networks' focus schools, support and funding. Senior advisers and LA
# administrators add and remove focus schools, record support and allocate funding for any
# network of the authority; a network lead does so only for the network(s) they lead (recorded
# as Network.lead), and for a school only when it belongs to a network they lead. School-side
# users see none of it.
is_network_manager = _has_role(Role.SENIOR_ADVISER, Role.LA_ADMIN)
is_network_lead = _has_role(Role.NETWORK_LEAD)


@rules.predicate
def leads_network(user, obj) -> bool:
    """The user leads this network, or (for a school) a network the school belongs to."""
    if obj is None:
        return False
    if obj.__class__.__name__ == "Network":
        return obj.lead_id == user.pk
    school = _school_of(obj)
    return school is not None and school.networks.filter(lead=user).exists()


rules.add_perm("networks.view_networks", is_la_staff)
rules.add_perm("networks.view_network", la_staff_in_authority)
# Asked of a network (funding, the page's actions) or of a school (focus schools, support).
rules.add_perm("networks.manage_support",
               (is_network_manager | (is_network_lead & leads_network)) & in_users_authority)
