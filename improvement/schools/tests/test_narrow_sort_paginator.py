"""NarrowSortPaginator: the same pages, in the same order, as paging the queryset itself."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.inspections.tests.factories import InspectionFactory
from improvement.schools.models import Phase, Status
from improvement.schools.selectors import (
    SORTS,
    NarrowSortPaginator,
    refresh_latest_inspection,
    school_list,
)
from improvement.schools.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(authority, other_school):
    made = []
    grades = ["outstanding", "good", "requires_improvement", "inadequate", None, "good", None]
    phases = [Phase.PRIMARY, Phase.SECONDARY, Phase.SPECIAL]
    for n, grade in enumerate(grades):
        school = SchoolFactory(authority=authority, name=f"School {chr(71 - n)}", phase=phases[n % 3],
                               pupils_on_roll=None if n == 3 else 100 + n * 10,
                               status=Status.CLOSED if n == 5 else Status.OPEN)
        if grade:
            InspectionFactory(school=school, era="eif-2019", start_date=date(2020 + n % 3, 3, 1 + n),
                              publication_date=None, judgements={"overall_effectiveness": grade})
            refresh_latest_inspection(school)
        made.append(school)
    return made


@pytest.mark.parametrize("sort", [*SORTS, *(f"-{key}" for key in SORTS)])
def test_pages_match_paging_the_queryset(personas, schools, sort):
    queryset = school_list(user=personas["la_admin"], sort=sort)
    expected = Paginator(queryset, 3)
    narrow = NarrowSortPaginator(queryset, 3)
    assert narrow.num_pages == expected.num_pages == 3
    for number in expected.page_range:
        assert [s.pk for s in narrow.page(number)] == [s.pk for s in expected.page(number)]


def test_scope_and_filters_still_apply(personas, schools, school, other_school):
    queryset = school_list(user=personas["la_admin"]).exclude(status=Status.CLOSED)
    paginator = NarrowSortPaginator(queryset, 3)
    listed = [s.pk for n in paginator.page_range for s in paginator.page(n)]
    assert sorted(listed) == sorted([school.pk] + [s.pk for s in schools if s.status != Status.CLOSED])
    assert other_school.pk not in listed


def test_a_page_is_one_query_with_its_joins(personas, schools):
    page = NarrowSortPaginator(school_list(user=personas["la_admin"], sort="outcome"), 3).page(2)
    with CaptureQueriesContext(connection) as queries:
        rows = [(s.name, s.authority.code, s.latest_full_inspection and s.latest_full_inspection.era)
                for s in page]
    assert len(rows) == 3
    assert len(queries) == 1
