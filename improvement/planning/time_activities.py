"""What an improvement partner's time is spent on: the Kent handbook's table "SIP and NCA
pattern of visits and attendance at out of school events" (section 3). Pure data.

Each activity says whether it is for one school (counted against the school's allocated days)
and at which daily rate it is paid: the improvement partner's (SIP) or the National Challenge
adviser's (NCA)."""

from __future__ import annotations

from dataclasses import dataclass

IMPROVEMENT_PARTNER = "improvement_partner"
NATIONAL_CHALLENGE_ADVISER = "national_challenge_adviser"
RATE_ROLES = {IMPROVEMENT_PARTNER: "Improvement partner (SIP)", NATIONAL_CHALLENGE_ADVISER: "National Challenge adviser (NCA)"}


@dataclass(frozen=True)
class Activity:
    key: str
    label: str
    for_school: bool
    rate_role: str = IMPROVEMENT_PARTNER


ACTIVITIES: tuple[Activity, ...] = (
    Activity("familiarisation", "Familiarisation visit (including handover)", True),
    Activity("autumn_visit", "Autumn visit", True),
    Activity("performance_management", "Advice to governors on the headteacher's performance management", True),
    Activity("spring_visit", "Spring visit", True),
    Activity("summer_visit", "Summer visit", True),
    Activity("additional_support", "Additional days (intensive and substantial support)", True),
    Activity("inspection", "Ofsted inspection: feedback and support", True),
    Activity("round_table", "Round Table Meeting", True),
    Activity("joint_evaluation", "Joint Evaluation Meeting", True),
    Activity("headteacher_reference", "Headteacher reference", True),
    Activity("national_challenge", "National Challenge adviser support", True, NATIONAL_CHALLENGE_ADVISER),
    Activity("briefing", "Briefing (CPD)", False),
    Activity("workshop", "Optional workshop (CPD)", False),
    Activity("performance_review", "Own performance management meeting", False),
    Activity("nca_event", "National Challenge event or board", False, NATIONAL_CHALLENGE_ADVISER),
)
BY_KEY = {a.key: a for a in ACTIVITIES}
