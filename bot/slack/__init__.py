"""The outbound Slack side: Block Kit rendering (pure functions) and posting."""
