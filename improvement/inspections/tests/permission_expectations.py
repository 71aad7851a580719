"""Permission expectations for the inspection history (see core/tests/matrix.py).

Only LA administrators add or edit inspections, and only for schools in their authority.
"""

from datetime import date

from improvement.core.tests.matrix import Expectation
from improvement.inspections.tests.factories import InspectionFactory
from improvement.inspections.tests.form_data import inspection_form_data

ADMIN = frozenset({"la_admin"})


def _school(ctx):
    return {"urn": ctx.school.urn}


def _inspection(ctx):
    inspection = InspectionFactory(school=ctx.school)
    return {"urn": ctx.school.urn, "pk": inspection.pk}


EXPECTATIONS = [
    Expectation("inspections:create", build=_school, allowed=ADMIN, ok_statuses=(200,), note="era choice"),
    Expectation(
        "inspections:create",
        method="POST",
        build=_school,
        allowed=ADMIN,
        data=lambda ctx: inspection_form_data(),
        ok_statuses=(302,),
    ),
    Expectation("inspections:edit", build=_inspection, allowed=ADMIN, ok_statuses=(200,)),
    Expectation(
        "inspections:edit",
        method="POST",
        build=_inspection,
        allowed=ADMIN,
        data=lambda ctx: inspection_form_data(start_date=date(2022, 3, 16), publication_date=date(2022, 4, 21)),
        ok_statuses=(302,),
    ),
]
