"""The authority boundary, enforced at data access.

Every model that holds authority data uses `ScopedQuerySet` and says how it reaches its
authority (and, for school-side users, its school). Views and exports only ever start from
`Model.objects.visible_to(user)`: a user never sees another authority's rows, and a school-side
user never sees another school's. See docs/adr/0002-authority-scoping.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

from django.db import models

from improvement.accounts.roles import SCHOOL_ROLES, TRUST_ROLES

if TYPE_CHECKING:
    from improvement.accounts.models import User


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> Self:
        return scope(self, user)


Q = TypeVar("Q", bound=models.QuerySet)


def scope(queryset: Q, user: User) -> Q:
    model = queryset.model
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    authority_path: str = model.scope_authority_path
    queryset = queryset.filter(**{authority_path: user.authority_id})
    school_path: str | None = getattr(model, "scope_school_path", None)
    if user.role in SCHOOL_ROLES:
        if school_path is None:
            return queryset.none()
        return queryset.filter(**{school_path: user.school_id})
    if user.role in TRUST_ROLES:
        if school_path is None:
            return queryset.none()
        trust_path = "trust_id" if school_path == "pk" else f"{school_path}__trust_id"
        return queryset.filter(**{trust_path: user.trust_id})
    return queryset
