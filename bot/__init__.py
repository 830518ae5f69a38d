"""incident-bot: the Slack front-end of AWS Systems Manager Incident Manager."""

__version__ = "0.1.0"
