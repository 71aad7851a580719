import factory

from improvement.accounts.models import Authority, User
from improvement.accounts.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("code",)

    # 100-899: never the fixtures' 901 and 902 (get_or_create would hand those back) nor the demo's 999.
    code = factory.Sequence(lambda n: f"{100 + n % 800:03d}")
    name = factory.Sequence(lambda n: f"Test Authority {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    authority = factory.SubFactory(AuthorityFactory)
    role = Role.MONITORING_OFFICER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
