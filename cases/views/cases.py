"""Case pages: list, open, read, log a contact, add parties, offences, decisions."""

urlpatterns = []
