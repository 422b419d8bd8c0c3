import itertools
import random

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from responsibilities.models import (
    Enterprise,
    Grid,
    GridOfficer,
    Industry,
    Membership,
    OrgUnit,
    Profile,
    SupervisionDuty,
)
from responsibilities.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

_codes = itertools.count(1)


def make_credit_code(seed: int | None = None) -> str:
    """A valid 统一社会信用代码 (correct check character), unique per call."""
    n = next(_codes) if seed is None else seed
    rnd = random.Random(n)
    body = "91" + "370783" + "".join(rnd.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return body + credit_code_check_char(body)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"市测试局{n}")
    kind = OrgUnit.Kind.BUREAU
    is_committee_member = True


class TownshipFactory(OrgUnitFactory):
    name = factory.Sequence(lambda n: f"测试镇{n}")
    kind = OrgUnit.Kind.TOWNSHIP


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", "Test-pass-2026")

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            Profile.objects.get_or_create(
                user=obj, defaults={"must_change_password": False, "full_name": obj.username}
            )
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    role = Membership.Role.STAFF


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试行业{n}")


class SupervisionDutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionDuty

    industry = factory.SubFactory(IndustryFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    kind = "industry"


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"第{n}网格")
    code = factory.Sequence(lambda n: f"G{n:06d}")


class GridOfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GridOfficer

    grid = factory.SubFactory(GridFactory)
    name = factory.Sequence(lambda n: f"网格员{n}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"寿光测试企业{n}有限公司")
    credit_code = factory.LazyFunction(make_credit_code)
    industry = factory.SubFactory(IndustryFactory)
    township = factory.SubFactory(TownshipFactory)
    territorial_supervisor = factory.SelfAttribute("township")


def grant_global_role(user, role: str):
    user.groups.add(Group.objects.get_or_create(name=role)[0])
