"""Retention, review and disposal of closed records (issue 19)."""
