from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from improvement.accounts.roles import LA_STAFF_ROLES, SCHOOL_ROLES, TRUST_ROLES, Role


class Authority(models.Model):
    """A local authority: the tenancy root. Every school, network, user and record has one."""

    code = models.CharField(
        "LA code",
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", "Enter the LA code as 3 digits, like 331.")],
    )
    name = models.CharField(max_length=200)
    # Which policy packs apply in which academic year: {"2023/24": ["coventry-2023-24", ...]}.
    policy_packs = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("role", Role.LA_ADMIN)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=32, choices=Role.choices)
    # School-side accounts: headteachers and chairs of governors belong to one school,
    # trust CEOs to one trust. LA staff have neither.
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    trust = models.ForeignKey(
        "schools.Trust", null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_la_staff(self) -> bool:
        return self.role in LA_STAFF_ROLES

    @property
    def is_school_side(self) -> bool:
        return self.role in SCHOOL_ROLES or self.role in TRUST_ROLES

    def clean(self) -> None:
        super().clean()
        if self.role in SCHOOL_ROLES and self.school_id is None:
            raise ValidationError({"school": "A headteacher or chair of governors needs a school."})
        if self.role in TRUST_ROLES and self.trust_id is None:
            raise ValidationError({"trust": "A trust CEO needs a trust."})
        if self.role in LA_STAFF_ROLES and (self.school_id or self.trust_id):
            raise ValidationError("LA staff accounts are not tied to a school or trust.")
        if self.school_id and self.school.authority_id != self.authority_id:
            raise ValidationError({"school": "The school belongs to another authority."})
        if self.trust_id and self.trust.authority_id != self.authority_id:
            raise ValidationError({"trust": "The trust belongs to another authority."})
