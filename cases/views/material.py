"""Pages for the material part of the cases issue."""

urlpatterns = []
