"""The referral pages. The edit page, the concerns, the messages and the documents
come before the moves, whose pattern would otherwise take "edit", "messages" or
"documents" for a move."""

from referrals.views import (
    actions,
    concerns,
    inbox,
    referral_form,
    referral_page,
    report,
    thread,
    threshold,
)

urlpatterns = [
    *inbox.urlpatterns,
    *referral_form.urlpatterns,
    *referral_page.urlpatterns,
    *concerns.urlpatterns,
    *thread.urlpatterns,
    *threshold.urlpatterns,
    *actions.urlpatterns,
    *report.urlpatterns,
]
