"""Pages for the outcomes part of the cases issue."""

urlpatterns = []
