"""Local stand-ins for the services incident-bot talks to.

AWS Incident Manager (ssm-incidents) and Contacts (ssm-contacts) over their real wire
protocols, and a fake Slack Web API (``emulator.slack``).
"""
