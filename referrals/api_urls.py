"""The referrals API, one module per domain concept (each defines its urlpatterns)."""

from referrals.api import actions, referrals, reports

urlpatterns = [
    *referrals.urlpatterns,
    *actions.urlpatterns,
    *reports.urlpatterns,
]
