"""The filters of the referral lists (ADR 0010), applied in the selectors: the API's
list of both sides (`ReferralFilter`), its inbox and sent lists
(`ReferralStateFilter`), and the inbox and sent pages (`InboxPageFilter`,
`SentPageFilter`)."""

from django.db.models import QuerySet
from django_filters import ChoiceFilter

from common.filters import FilterSet, QueryFilterForm
from referrals.models import Referral, ReferralPurpose, ReferralState

# As the API has always worded a value it does not know.
_UNKNOWN_CHOICE = {"invalid_choice": '"%(value)s" is not a valid choice.'}
DIRECTIONS = [("sent", "Sent by my agency"), ("received", "Received by my agency")]


class ReferralStateFilter(FilterSet):
    """The API's inbox and sent lists: `?state=`."""

    state = ChoiceFilter(choices=ReferralState.choices, error_messages=_UNKNOWN_CHOICE)

    class Meta(FilterSet.Meta):
        model = Referral
        fields: list[str] = []


class ReferralFilter(ReferralStateFilter):
    """The API's list of both sides' referrals: `?state=&purpose=&direction=`."""

    purpose = ChoiceFilter(choices=ReferralPurpose.choices, error_messages=_UNKNOWN_CHOICE)
    direction = ChoiceFilter(
        choices=DIRECTIONS,
        method="_by_direction",
        help_text="Only those my agency sent (drafts included), or only those it received.",
        error_messages=_UNKNOWN_CHOICE,
    )

    class Meta(ReferralStateFilter.Meta):
        pass

    def _by_direction(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The selector knows the actor's agency: it narrows by direction.
        return queryset


class _PageForm(QueryFilterForm):
    blank_means_not_given = True


class SentPageFilter(FilterSet):
    """The sent page's form: any status, drafts included."""

    state = ChoiceFilter(choices=ReferralState.choices, label="Status", empty_label="Any status")

    class Meta(FilterSet.Meta):
        model = Referral
        fields: list[str] = []
        form = _PageForm


class InboxPageFilter(SentPageFilter):
    """The inbox page's form: a receiver never sees a draft."""

    state = ChoiceFilter(
        choices=[
            (value, label) for value, label in ReferralState.choices if value != ReferralState.DRAFT
        ],
        label="Status",
        empty_label="Any status",
    )
