"""Arrives with the outcomes part of the cases issue."""

urlpatterns = []
