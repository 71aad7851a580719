"""Permission expectations for the school register (see core/tests/matrix.py).

Reading: LA staff see every school in their authority; headteachers and chairs only their own
school; trust CEOs the schools of their trust. Writing: LA administrators only. The officer of
another authority may use the list (it shows their own authority) but no object of ours.
"""

from improvement.core.tests.matrix import LA_STAFF, OWN_SCHOOL, Expectation
from improvement.schools.tests.factories import ContextMeasureFactory
from improvement.schools.tests.form_data import measure_form_data, school_form_data

ADMIN = frozenset({"la_admin"})


def _school(ctx):
    return {"urn": ctx.school.urn}


def _sibling(ctx):
    return {"urn": ctx.sibling_school.urn}


def _measure(ctx):
    measure = ContextMeasureFactory(school=ctx.school, academic_year=2023)
    return {"urn": ctx.school.urn, "pk": measure.pk}


EXPECTATIONS = [
    Expectation("schools:list", allowed=LA_STAFF | {"trust_ceo", "other_la_officer"}),
    Expectation("schools:export", allowed=LA_STAFF | {"other_la_officer"}, ok_statuses=(200,)),
    Expectation("schools:create", allowed=ADMIN, ok_statuses=(200,)),
    Expectation(
        "schools:create",
        method="POST",
        allowed=ADMIN,
        data=lambda ctx: school_form_data(),
        ok_statuses=(302,),
    ),
    Expectation("schools:detail", build=_school, allowed=LA_STAFF | OWN_SCHOOL, ok_statuses=(200,)),
    Expectation(
        "schools:detail",
        build=_sibling,
        allowed=LA_STAFF,
        ok_statuses=(200,),
        note="a school outside the school-side users' school and trust",
    ),
    Expectation("schools:edit", build=_school, allowed=ADMIN, ok_statuses=(200,)),
    Expectation("schools:edit", build=_sibling, allowed=ADMIN, ok_statuses=(200,), note="sibling school"),
    Expectation(
        "schools:edit",
        method="POST",
        build=_school,
        allowed=ADMIN,
        data=lambda ctx: school_form_data(urn=ctx.school.urn, dfe_number="901/2001", name="Renamed School"),
        ok_statuses=(302,),
    ),
    Expectation("schools:measure_create", build=_school, allowed=ADMIN, ok_statuses=(200,)),
    Expectation(
        "schools:measure_create",
        method="POST",
        build=_school,
        allowed=ADMIN,
        data=lambda ctx: measure_form_data(),
        ok_statuses=(302,),
    ),
    Expectation("schools:measure_edit", build=_measure, allowed=ADMIN, ok_statuses=(200,)),
    Expectation(
        "schools:measure_edit",
        method="POST",
        build=_measure,
        allowed=ADMIN,
        data=lambda ctx: measure_form_data(academic_year="2023", value="91.5"),
        ok_statuses=(302,),
    ),
]
