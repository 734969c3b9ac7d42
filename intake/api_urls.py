"""The intake API, one module per domain concept (each defines its urlpatterns)."""

from intake.api import deconfliction, items, packages, preservation, queue

urlpatterns = [
    *packages.urlpatterns,
    *queue.urlpatterns,
    *items.urlpatterns,
    *deconfliction.urlpatterns,
    *preservation.urlpatterns,
]
