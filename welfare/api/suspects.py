# Filled in by the welfare work in progress.
urlpatterns: list = []
