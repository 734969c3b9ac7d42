"""The safeguarding API, one module per domain concept (each defines its urlpatterns)."""

from safeguarding.api import assessments, flags, queue, strategy, strategy_planning, vocabulary

urlpatterns = [
    *vocabulary.urlpatterns,
    *queue.urlpatterns,
    *assessments.urlpatterns,
    *flags.urlpatterns,
    *strategy.urlpatterns,
    *strategy_planning.urlpatterns,
]
