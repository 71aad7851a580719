import datetime

import factory

from improvement.inspections.models import Inspection
from improvement.schools.tests.factories import SchoolFactory


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    school = factory.SubFactory(SchoolFactory)
    era = "eif-2019"
    inspection_type = "full"
    start_date = datetime.date(2022, 3, 15)
    publication_date = datetime.date(2022, 4, 20)
    judgements = factory.LazyFunction(
        lambda: {
            "overall_effectiveness": "good",
            "quality_of_education": "good",
            "behaviour_and_attitudes": "good",
            "personal_development": "good",
            "leadership_and_management": "good",
            "safeguarding": "effective",
        }
    )
