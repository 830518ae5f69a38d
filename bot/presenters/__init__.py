"""The Slack side of the domain: presenters hear the domain's events on the bus and say them in
Slack (rendered by ``bot.blocks``, posted through ``bot.slack``), and answer the ports through
which the domain asks Slack something."""
