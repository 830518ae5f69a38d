"""Contacts' plans edited from Slack: escalation plans' stages and a person's own paging plan."""
