"""Factories for person merge (issue 19): a flag and an identifier as their services
would leave them."""

from datetime import date

import factory
from django.utils import timezone

from tests.factories import UserFactory


class FlagFactory(factory.django.DjangoModelFactory):
    """A live flag on a party, naming the party's person (as safeguarding's raise)."""

    class Meta:
        model = "safeguarding.Flag"

    case = factory.SelfAttribute("party.case")
    party = None
    person = factory.SelfAttribute("party.person")
    kind = "safe_contact_only"
    reason = "Only contact through the named officer."
    raised_by = factory.SubFactory(UserFactory)
    raised_at = factory.LazyFunction(timezone.now)
    review_on = factory.LazyFunction(lambda: date(2027, 1, 1))


class PersonIdentifierFactory(factory.django.DjangoModelFactory):
    """An identifier held for a party's person (as cases.services.identifiers adds
    one: party and person both set), normalised."""

    class Meta:
        model = "cases.Identifier"

    kind = "phone"
    value = "+447700900123"
    given = "07700 900123"
    party = None
    person = factory.SelfAttribute("party.person")
    agency = factory.SelfAttribute("party.case.owning_agency")
    case = factory.SelfAttribute("party.case")
    compartment = factory.SelfAttribute("party.compartment")
