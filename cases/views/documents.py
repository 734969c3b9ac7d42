"""Pages for the documents part of the cases issue."""

urlpatterns = []
