"""Paging people stage by stage, restart-safe, with an Acknowledge button in Slack."""
