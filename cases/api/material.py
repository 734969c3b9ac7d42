"""Arrives with the material part of the cases issue."""

urlpatterns = []
