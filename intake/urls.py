"""The intake pages, one module per domain concept (each defines its urlpatterns)."""

from intake.views import deconfliction, items, packages, preservation, queue

urlpatterns = [
    *packages.urlpatterns,
    *queue.urlpatterns,
    *items.urlpatterns,
    *deconfliction.urlpatterns,
    *preservation.urlpatterns,
]
