"""ssm-contacts' tags on contacts and rotations."""

from __future__ import annotations

from typing import Any


class ContactTags:
    """The tag operations of ``ContactsBackend``."""

    tags: dict[str, list[dict[str, str]]]

    def ListTagsForResource(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"Tags": list(self.tags.get(params["ResourceARN"], []))}

    def TagResource(self, params: dict[str, Any]) -> dict[str, Any]:
        self.tags.setdefault(params["ResourceARN"], []).extend(params["Tags"])
        return {}

    def UntagResource(self, params: dict[str, Any]) -> dict[str, Any]:
        self.tags[params["ResourceARN"]] = [
            t for t in self.tags.get(params["ResourceARN"], []) if t["Key"] not in params["TagKeys"]
        ]
        return {}
