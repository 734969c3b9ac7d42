# Filled in by the events work in progress.
urlpatterns: list = []
