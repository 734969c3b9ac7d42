"""The referral pages, one module per concern (each defines its urlpatterns)."""
