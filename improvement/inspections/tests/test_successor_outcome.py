import datetime

import pytest

from improvement.inspections import services
from improvement.schools.models import School
from improvement.schools.tests.factories import SchoolFactory


@pytest.mark.django_db
def test_an_inspection_of_the_predecessor_refreshes_the_successors_latest_outcome(personas, authority):
    predecessor = SchoolFactory(authority=authority, urn="300001", name="Old School", status="closed",
                                close_date=datetime.date(2021, 8, 31))
    successor = SchoolFactory(authority=authority, urn="300002", name="New Academy", predecessor=predecessor)
    services.inspection_save(
        actor=personas["la_admin"], school=predecessor, era="eif-2019", inspection_type="full",
        start_date=datetime.date(2020, 1, 14), publication_date=None,
        judgements={"overall_effectiveness": "requires_improvement"},
    )
    successor.refresh_from_db()
    assert successor.latest_outcome == "requires_improvement"
    assert successor.latest_full_inspection.school_id == predecessor.pk


@pytest.mark.django_db
def test_a_predecessor_cycle_does_not_recurse_forever(personas, authority):
    first = SchoolFactory(authority=authority, urn="300003")
    second = SchoolFactory(authority=authority, urn="300004", predecessor=first)
    School.objects.filter(pk=first.pk).update(predecessor=second)  # bad data from an import
    first.refresh_from_db()
    services.inspection_save(
        actor=personas["la_admin"], school=first, era="eif-2019", inspection_type="full",
        start_date=datetime.date(2021, 3, 2), publication_date=None,
        judgements={"overall_effectiveness": "good"},
    )
    second.refresh_from_db()
    assert second.latest_outcome == "good"
