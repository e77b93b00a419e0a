"""Accounting: render usage per user and period, and its report in the admin."""
