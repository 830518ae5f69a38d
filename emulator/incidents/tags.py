"""ssm-incidents' tags on response plans, incidents and the replication set."""

from __future__ import annotations

from typing import Any

from emulator.errors import incident_resource


class Tags:
    """The tag operations of ``IncidentsBackend``."""

    tags: dict[str, dict[str, str]]

    def _tagged(self, arn: str) -> dict[str, str]:
        return incident_resource(self.tags, "Resource", arn)

    def TagResource(self, params: dict[str, Any]) -> dict[str, Any]:
        self._tagged(params["resourceArn"]).update(params["tags"])
        return {}

    def UntagResource(self, params: dict[str, Any]) -> dict[str, Any]:
        tags = self._tagged(params["resourceArn"])
        for key in params["tagKeys"]:
            tags.pop(key, None)
        return {}

    def ListTagsForResource(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"tags": dict(self._tagged(params["resourceArn"]))}
