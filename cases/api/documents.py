"""Arrives with the documents part of the cases issue."""

urlpatterns = []
