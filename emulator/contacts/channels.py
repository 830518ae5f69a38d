"""ssm-contacts' contact channels (SMS, voice, email) and their activation by a code."""

from __future__ import annotations

import uuid
from copy import deepcopy
from typing import Any

from emulator.contacts.codes import code
from emulator.errors import contact_resource, validation
from emulator.paging import contacts_page


class ContactChannels:
    """The contact channel operations of ``ContactsBackend``."""

    channels: dict[str, dict[str, Any]]
    sent: list[dict[str, Any]]  # what AWS sent out of band: pages, activation codes

    def _channel(self, ident: str) -> dict[str, Any]:
        return contact_resource(self.channels, "Contact channel", ident)

    def CreateContactChannel(self, params: dict[str, Any]) -> dict[str, Any]:
        def create() -> dict[str, Any]:
            contact = self._contact(params["ContactId"])
            arn = self._arn("contact-channel", f"{contact['Alias']}/{uuid.uuid4()}")
            self.channels[arn] = {
                "ContactChannelArn": arn,
                "ContactArn": contact["ContactArn"],
                "Name": params["Name"],
                "Type": params["Type"],
                "DeliveryAddress": deepcopy(params["DeliveryAddress"]),
                "ActivationStatus": "NOT_ACTIVATED",
                "code": None,
            }
            if not params.get("DeferActivation"):
                self.SendActivationCode({"ContactChannelId": arn})
            return {"ContactChannelArn": arn}

        return self._once("CreateContactChannel", params, create)

    def _public_channel(self, channel: dict[str, Any]) -> dict[str, Any]:
        return {k: deepcopy(v) for k, v in channel.items() if k != "code"}

    def GetContactChannel(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._public_channel(self._channel(params["ContactChannelId"]))

    def ListContactChannels(self, params: dict[str, Any]) -> dict[str, Any]:
        contact = self._contact(params["ContactId"])
        found = [
            self._public_channel(c)
            for c in self.channels.values()
            if c["ContactArn"] == contact["ContactArn"]
        ]
        return contacts_page(found, params, "ContactChannels")

    def UpdateContactChannel(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params["ContactChannelId"])
        for key in ("Name", "DeliveryAddress"):
            if key in params:
                channel[key] = deepcopy(params[key])
        return {}

    def DeleteContactChannel(self, params: dict[str, Any]) -> dict[str, Any]:
        del self.channels[self._channel(params["ContactChannelId"])["ContactChannelArn"]]
        return {}

    def SendActivationCode(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params["ContactChannelId"])
        channel["code"] = code()
        self.sent.append(
            {
                "kind": "activation",
                "contact_channel_arn": channel["ContactChannelArn"],
                "activation_code": channel["code"],
            }
        )
        return {}

    def ActivateContactChannel(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params["ContactChannelId"])
        if channel["code"] is None or params["ActivationCode"] != channel["code"]:
            raise validation("The activation code is not valid for this contact channel.")
        channel["ActivationStatus"] = "ACTIVATED"
        return {}

    def DeactivateContactChannel(self, params: dict[str, Any]) -> dict[str, Any]:
        self._channel(params["ContactChannelId"])["ActivationStatus"] = "NOT_ACTIVATED"
        return {}
