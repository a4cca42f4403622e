"""Hooks: how a lower app has a higher one act without importing it.

The apps form layers that only point down (pyproject.toml, `[tool.importlinter]`): complaints
may not import sla, yet registering a complaint must plan its deadlines. So the lower app
defines a `Hook` at that point and calls it; the higher app registers its function with the
hook in its AppConfig.ready().

Unlike Django signals, a hook keeps plain (strong) references to its receivers, runs them
synchronously in the order they were registered — INSTALLED_APPS order, the order Django calls
ready() in — inside the caller's transaction, lets their exceptions reach the caller, and
returns what they returned. Registering the same function twice keeps one entry, so a ready()
that runs again changes nothing.
"""

from collections.abc import Callable
from typing import Any


class Hook:
    """One point in a lower app where the functions higher apps registered are called."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[..., Any]] = []

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"

    def register(self, receiver: Callable[..., Any]) -> Callable[..., Any]:
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def receivers(self) -> tuple[Callable[..., Any], ...]:
        return tuple(self._receivers)

    def __call__(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Call every receiver in order; their results, in the same order."""
        return [receiver(*args, **kwargs) for receiver in self._receivers]
