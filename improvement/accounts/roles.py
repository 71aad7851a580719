"""The product's roles. One role per account; school-side roles are tied to a school or trust."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    LA_ADMIN = "la_admin", "LA administrator"
    SENIOR_ADVISER = "senior_adviser", "Senior adviser"
    MONITORING_OFFICER = "monitoring_officer", "Monitoring officer"
    NETWORK_LEAD = "network_lead", "Network lead"
    LA_VIEWER = "la_viewer", "LA viewer (read only)"
    HEADTEACHER = "headteacher", "Headteacher"
    CHAIR_OF_GOVERNORS = "chair_of_governors", "Chair of governors"
    TRUST_CEO = "trust_ceo", "Trust CEO"


LA_STAFF_ROLES = frozenset(
    {
        Role.LA_ADMIN,
        Role.SENIOR_ADVISER,
        Role.MONITORING_OFFICER,
        Role.NETWORK_LEAD,
        Role.LA_VIEWER,
    }
)
SCHOOL_ROLES = frozenset({Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS})
TRUST_ROLES = frozenset({Role.TRUST_CEO})
