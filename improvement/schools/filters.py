from __future__ import annotations

import re

import django_filters
from django.db.models import Q, QuerySet

from improvement.core.forms import GovukRadioSelect
from improvement.policy import frameworks
from improvement.schools.models import Governance, Network, Phase, School, Status

_DFE_NUMBER = re.compile(r"^(\d{3})\s*/?\s*(\d{4})$")


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="search", help_text="School name, URN or DfE number (like 331/2001)"
    )
    phase = django_filters.ChoiceFilter(choices=Phase.choices, empty_label="Any phase")
    governance = django_filters.ChoiceFilter(choices=Governance.choices, empty_label="Any governance")
    network = django_filters.ModelChoiceFilter(
        field_name="networks", queryset=Network.objects.none(), empty_label="Any network"
    )
    outcome = django_filters.ChoiceFilter(
        field_name="latest_outcome",
        method="filter_outcome",
        choices=frameworks.OUTCOME_CHOICES,
        empty_label="Any outcome",
        label="Latest Ofsted outcome",
    )
    status = django_filters.ChoiceFilter(
        choices=[("open", "Open schools"), ("closed", "Closed schools"), ("all", "All schools")],
        method="filter_status",
        empty_label=None,
        widget=GovukRadioSelect,
        label="Status",
    )

    class Meta:
        model = School
        fields: list[str] = []

    def __init__(self, data=None, *args, user, **kwargs) -> None:
        data = data.copy() if data is not None else {}
        data.setdefault("status", "open")
        super().__init__(data, *args, **kwargs)
        self.filters["network"].queryset = Network.objects.visible_to(user)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        dfe = _DFE_NUMBER.match(value)
        if dfe:
            return queryset.filter(authority__code=dfe.group(1), establishment_number=dfe.group(2))
        if value.isdigit() and len(value) == 6:
            return queryset.filter(Q(urn=value) | Q(name__icontains=value))
        return queryset.filter(name__icontains=value)

    def filter_outcome(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == frameworks.NOT_INSPECTED:
            # A school nobody has recorded an inspection for has never had its outcome computed.
            return queryset.filter(latest_outcome__in=["", frameworks.NOT_INSPECTED])
        return queryset.filter(latest_outcome=value)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "closed":
            return queryset.filter(status=Status.CLOSED)
        if value == "all":
            return queryset
        return queryset.exclude(status=Status.CLOSED)
