"""The referrals API, one module per domain concept (each defines its urlpatterns)."""

from referrals.api import actions, concerns, referrals, reports, thread

urlpatterns = [
    *referrals.urlpatterns,
    *actions.urlpatterns,
    *reports.urlpatterns,
    *concerns.urlpatterns,
    *thread.urlpatterns,
]
