"""A local stand-in for Slack: a fake Web API with Socket Mode, and senders of its requests."""

from emulator.slack.sender import Delivery, SlackSender, SocketModeSender
from emulator.slack.web_api import Call, FakeSlack, RunningFakeSlack

__all__ = ["Call", "Delivery", "FakeSlack", "RunningFakeSlack", "SlackSender", "SocketModeSender"]
