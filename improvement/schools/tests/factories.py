import datetime

import factory

from improvement.accounts.tests.factories import AuthorityFactory
from improvement.schools.models import (
    ContextMeasure,
    Governance,
    Measure,
    Network,
    Phase,
    School,
    Trust,
)


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Example Learning Trust {n}")
    reference = factory.Sequence(lambda n: f"TR{n:05d}")
    is_local = True


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Network {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    authority = factory.SubFactory(AuthorityFactory)
    # Clear of the fixtures' URNs (100001, 100002, 200001) and the demo's (98xxxx-99xxxx).
    urn = factory.Sequence(lambda n: f"{300000 + n:06d}")
    establishment_number = factory.Sequence(lambda n: f"{2000 + n % 7000:04d}")
    name = factory.Sequence(lambda n: f"Example Primary School {n}")
    phase = Phase.PRIMARY
    governance = Governance.LA_MAINTAINED
    establishment_type = "Community school"
    type_group = "Local authority maintained schools"
    pupils_on_roll = 300
    headteacher_name = "Head Teacher"
    headteacher_start_date = datetime.date(2019, 9, 1)


class ContextMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContextMeasure

    school = factory.SubFactory(SchoolFactory)
    academic_year = 2023
    measure = Measure.ATTENDANCE_PERCENT
    value = 94.5
    source = "Test data"
