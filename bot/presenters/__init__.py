"""The Slack side of the domain: presenters that say in Slack what the domain says happened
(subscribed on ``bot.events.Bus``), and the ports' Slack implementations."""
