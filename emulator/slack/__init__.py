"""A local stand-in for Slack: a fake Web API and a sender of signed requests."""

from emulator.slack.sender import Delivery, SlackSender
from emulator.slack.web_api import Call, FakeSlack, RunningFakeSlack

__all__ = ["Call", "Delivery", "FakeSlack", "RunningFakeSlack", "SlackSender"]
