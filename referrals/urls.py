"""The referral pages. The edit page comes before the moves, whose pattern would
otherwise take "edit" for a move."""

from referrals.views import actions, inbox, referral_form, referral_page, report

urlpatterns = [
    *inbox.urlpatterns,
    *referral_form.urlpatterns,
    *referral_page.urlpatterns,
    *actions.urlpatterns,
    *report.urlpatterns,
]
