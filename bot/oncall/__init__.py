"""On-call from Slack: who is on call, and covering a shift."""
