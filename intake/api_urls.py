"""The intake API, one module per domain concept (each defines its urlpatterns)."""

from intake.api import deconfliction, items, packages, queue

urlpatterns = [
    *packages.urlpatterns,
    *queue.urlpatterns,
    *items.urlpatterns,
    *deconfliction.urlpatterns,
]
