"""A small Qt-free observer: objects in the core announce changes; Qt models adapt them to signals.

Listeners are plain callables taking one event. A listener that raises does not stop the others
(the exception is re-raised after every listener ran, so a bug is never silent).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Generic, Iterator, TypeVar

E = TypeVar("E")
Listener = Callable[[E], None]


class Emitter(Generic[E]):
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._held: list[E] | None = None

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` on every change. Returns a function that unsubscribes it."""
        if listener not in self._listeners:
            self._listeners.append(listener)
        return lambda: self.unsubscribe(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, event: E) -> None:
        if self._held is not None:
            self._held.append(event)
            return
        error: BaseException | None = None
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception as exc:  # noqa: BLE001 - re-raised below, after the other listeners
                error = error or exc
        if error is not None:
            raise error

    @contextmanager
    def held(self, combine: Callable[[list[E]], E | None]) -> Iterator[None]:
        """Collect events inside the block; emit ``combine(events)`` once at the end (if any)."""
        if self._held is not None:  # nested: the outer block emits
            yield
            return
        self._held = []
        try:
            yield
        finally:
            events, self._held = self._held, None
            if events:
                combined = combine(events)
                if combined is not None:
                    self.emit(combined)
