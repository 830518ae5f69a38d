"""What both service backends share: idempotency tokens and state for ``--state``."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from typing import Any, ClassVar


class Backend:
    """A service's state; subclasses name their state attributes and their token member."""

    STATE: ClassVar[tuple[str, ...]]
    TOKEN_FIELD: ClassVar[str]

    def __init__(self) -> None:
        self.tokens: dict[str, Any] = {}

    def _once(self, operation: str, params: dict[str, Any], act: Callable[[], Any]) -> Any:
        """Runs ``act`` once per token: a retry with the same token gets the first answer."""
        token = params.get(self.TOKEN_FIELD)
        if token is None:
            return act()
        key = f"{operation}:{token}"
        if key not in self.tokens:
            self.tokens[key] = act()
        return self.tokens[key]

    def dump(self) -> dict[str, Any]:
        return {name: deepcopy(getattr(self, name)) for name in (*self.STATE, "tokens")}

    def load(self, state: dict[str, Any]) -> None:
        for name in (*self.STATE, "tokens"):
            setattr(self, name, deepcopy(state.get(name, getattr(self, name))))
