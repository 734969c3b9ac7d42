"""The referrals API, one module per domain concept (each defines its urlpatterns)."""

from referrals.api import actions, concerns, involvement, referrals, reports, thread

urlpatterns = [
    *referrals.urlpatterns,
    *actions.urlpatterns,
    *reports.urlpatterns,
    *concerns.urlpatterns,
    *thread.urlpatterns,
    *involvement.urlpatterns,
]
