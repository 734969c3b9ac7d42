"""Arrives with the reports part of the cases issue."""

urlpatterns = []
