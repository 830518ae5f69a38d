"""Incidents: the record as AWS holds it, and what responders do to it from Slack."""
