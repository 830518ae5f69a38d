"""The Slack side of the domain: presenters that say in Slack what the domain said on the bus,
and the ports the domain asks Slack through."""
