"""The safeguarding pages, one module per domain concept (each defines its urlpatterns)."""

from safeguarding.views import assessments, flags, queue, strategy, vocabulary

urlpatterns = [
    *assessments.urlpatterns,
    *vocabulary.urlpatterns,
    *flags.urlpatterns,
    *strategy.urlpatterns,
    *queue.urlpatterns,
]
