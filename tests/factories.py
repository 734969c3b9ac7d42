from datetime import date

import factory
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Agency, AgencyKind, CharityService, Membership, Role, Team
from agencies.services.members import role_group
from cases.models.party import COMPARTMENT_OF_ROLE

TEST_PASSWORD = "correct-horse-battery-staple-42"
# RFC 6238's test key, as in the demo.
TOTP_KEY_HEX = "3132333435363738393031323334353637383930"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Testshire Police {n}")
    slug = factory.Sequence(lambda n: f"testshire-police-{n}")
    kind = AgencyKind.POLICE
    charity_service = ""

    class Params:
        victim_support = factory.Trait(
            kind=AgencyKind.CHARITY, charity_service=CharityService.VICTIM_SUPPORT
        )
        family_support = factory.Trait(
            kind=AgencyKind.CHARITY, charity_service=CharityService.FAMILY_SUPPORT
        )
        mash = factory.Trait(kind=AgencyKind.SAFEGUARDING_HUB)
        childrens_services = factory.Trait(kind=AgencyKind.CHILDRENS_SERVICES)

    @factory.post_generation
    def grant_group(obj, create, extracted, **kwargs):
        if create and obj.grant_group_id is None:
            from django.contrib.auth.models import Group

            obj.grant_group, _ = Group.objects.get_or_create(name=f"agency:{obj.slug}")
            obj.save(update_fields=["grant_group"])


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    team = None
    role = Role.GENERALIST_OFFICER

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if create:
            obj.user.groups.set([role_group(obj.role)])


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Test authenticator"
    key = TOTP_KEY_HEX
    confirmed = True


# --- Cases


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Person"

    recorded_by_agency = factory.SubFactory(AgencyFactory)
    first_name = factory.Sequence(lambda n: f"Alex{n}")
    last_name = factory.Sequence(lambda n: f"Fictional{n}")
    date_of_birth = factory.LazyFunction(lambda: date(1990, 1, 1))
    created_by = factory.SubFactory(UserFactory)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Case"

    owning_agency = factory.SubFactory(AgencyFactory)
    reference = factory.Sequence(lambda n: f"TST-2026-{n + 1:06d}")
    title = factory.Sequence(lambda n: f"Test case {n}")
    source = "nca_industry_report"
    received_on = factory.LazyFunction(lambda: date(2026, 3, 2))
    opened_on = factory.LazyFunction(lambda: date(2026, 3, 2))
    created_by = factory.SubFactory(UserFactory)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.CaseParty"

    case = factory.SubFactory(CaseFactory)
    person = factory.SubFactory(
        PersonFactory, recorded_by_agency=factory.SelfAttribute("..case.owning_agency")
    )
    role = "victim"
    compartment = factory.LazyAttribute(lambda party: COMPARTMENT_OF_ROLE[party.role])
    created_by = factory.SubFactory(UserFactory)


def grant_case(case, agency) -> None:
    """Grant a case to an agency as the grant service would (guardian row + reason)."""
    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from cases.models import CaseGrant

    CaseGrant.objects.create(
        case=case,
        agency=agency,
        reason="test grant",
        granted_by=UserFactory(),
        granted_at=timezone.now(),
    )
    assign_perm("view_case", agency.grant_group, case)
    # A whole-case grant, as a named grant without parties is (cases.services.grants).
    assign_perm("view_whole_case", agency.grant_group, case)
