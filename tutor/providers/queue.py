"""Fair queueing in front of the chat model, and retries for remote providers.

One `ModelQueue` per model per process: first come, first served, a bounded line (`queue_size`), a
longest wait (`max_wait_s`), and `slots` calls at once (1 for the embedded model, `concurrency` for a
remote provider). A learner's turn carries one `Place` (the context variable `current_place`, set by the
front door with `waiting`): every model call of that turn keeps the turn's rank, so a turn that needs
several calls (rewrite, judge, answer) is not sent back to the end of the line between them. A call with
no place (CLI, evals) gets one of its own.

From the moment it joins, a place is told how many questions are ahead of it (`on_position(n)`), again
each time that number changes, and `on_position(None)` when the model starts on it. Cancelling a place (the
learner pressed Stop or closed the tab) takes it out of the line at once, and stops its generation at
the next token. The engine runs in worker threads: the queue is a `threading.Condition`, and
`on_position` is called from those threads (it must only hand the number over, e.g. to an event loop).
"""

from __future__ import annotations

import itertools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from tutor.config import Settings
from tutor.errors import LearnerError
from tutor.i18n import Text

log = logging.getLogger(__name__)


class QueueFull(LearnerError):
    """Too many questions are already waiting for the model in this process."""

    def __init__(self, waiting: int):
        super().__init__("queue_full", Text(
            f"Beaucoup de questions en même temps : {waiting} attendent déjà le modèle. Reposez la vôtre dans "
            "un moment.",
            f"Many questions at once: {waiting} are already waiting for the model. Please ask again in a "
            "moment."), f"queue full ({waiting} waiting)")


class QueueTimeout(LearnerError):
    """A question waited longer than `max_wait_s` for the model."""

    def __init__(self, waited_s: float):
        minutes = max(1, round(waited_s / 60))
        super().__init__("queue_timeout", Text(
            f"Votre question attend depuis plus de {minutes} min : le modèle est très demandé. Reposez-la dans "
            "un moment, elle repartira en fin de file.",
            f"Your question has waited over {minutes} min: the model is very busy. Ask it again in a moment; "
            "it will rejoin the end of the line."), f"waited {waited_s:.0f} s")


class QueueCancelled(Exception):
    """The learner left (Stop, closed tab): the question gave up its place. Nobody is left to tell."""


class Place:
    """One learner's question in the line, kept across the model calls of its turn."""

    def __init__(self, on_position: Callable[[int | None], None] | None = None):
        self.on_position = on_position
        self.cancelled = threading.Event()
        self.seq: int | None = None
        self.queue: ModelQueue | None = None
        self.served = False  # the model started on it at least once
        self.joined_at = 0.0
        self.waited_s = 0.0  # time spent waiting for the model, all calls of the turn together
        self.told: int | None = -1  # the last position given to on_position
        self._telling = threading.Lock()

    def cancel(self) -> None:
        """Leave the line now; a call of this place that is waiting or generating stops."""
        self.cancelled.set()
        if self.queue is not None:
            self.queue.leave(self)

    def check(self) -> None:
        if self.cancelled.is_set():
            raise QueueCancelled()

    def tell(self, position: int | None) -> None:
        """Give the listener a new position (None: the model has started on this question; nothing after)."""
        with self._telling:
            if position == self.told or (self.served and position is not None):
                return
            self.told = position
            self.served = self.served or position is None
            if self.on_position is not None:
                try:
                    self.on_position(position)
                except Exception:  # the listener is gone (closed loop): the question goes on
                    log.debug("queue position listener failed", exc_info=True)


current_place: ContextVar[Place | None] = ContextVar("tutor_queue_place", default=None)


@contextmanager
def waiting(place: Place) -> Iterator[Place]:
    """Model calls made in this context (threads started with a copy of it included) use `place`; at the
    end the place leaves the line, and any call of it still running stops."""
    token = current_place.set(place)
    try:
        yield place
    finally:
        current_place.reset(token)
        place.cancel()


class ModelQueue:
    """First come, first served access to one model, `slots` calls at once.

    A place joins the line when its turn starts (`join`, by the front door, so the learner sees their
    position at once) or at its first call. Its position is the number of places before it that have not
    left, whether the model is on them or they are still retrieving; a slot goes to the earliest place
    that is waiting for one, so a place still retrieving holds nobody up."""

    def __init__(self, slots: int = 1, queue_size: int = 100, max_wait_s: float = 600.0):
        self.slots, self.queue_size, self.max_wait_s = max(1, slots), max(1, queue_size), max_wait_s
        self._cond = threading.Condition()
        self._seq = itertools.count()
        self._places: dict[int, Place] = {}  # in the line (joined, not left), by rank
        self._waiting: dict[int, Place] = {}  # waiting for a slot now
        self._busy = 0

    def stats(self) -> dict:
        with self._cond:
            return {"in_line": len(self._places), "waiting": len(self._waiting), "busy": self._busy,
                    "slots": self.slots}

    def join(self, place: Place) -> None:
        """Take a place at the end of the line (once); it is told its position if others are ahead.
        Raises QueueFull when `queue_size` places are already waiting for their first answer."""
        with self._cond:
            self._join(place)
            position = sum(1 for seq in self._places if seq < place.seq)
        if position and not place.served:
            place.tell(position)

    def _join(self, place: Place) -> None:
        place.check()
        if place.seq is not None:
            return
        queued = sum(1 for p in self._places.values() if not p.served)
        if queued >= self.queue_size:
            raise QueueFull(queued)
        place.seq, place.queue, place.joined_at = next(self._seq), self, time.monotonic()
        self._places[place.seq] = place

    @contextmanager
    def slot(self, place: Place | None = None) -> Iterator[Place]:
        """Hold one of the model's slots for one call; `place` (default: the context's, else a new one)
        keeps its rank in the line."""
        place = place or current_place.get()
        own = place is None or place.queue not in (None, self)
        place = Place() if own else place
        self._acquire(place)
        try:
            yield place
        finally:
            with self._cond:
                self._busy -= 1
                self._cond.notify_all()
            if own:
                self.leave(place)

    def leave(self, place: Place) -> None:
        """Out of the line (answered, stopped, timed out): the places behind move up and are told so."""
        with self._cond:
            gone = self._places.pop(place.seq, None)
            self._waiting.pop(place.seq, None)
            self._cond.notify_all()
            moved = list(enumerate(self._places.values())) if gone is not None else []
        for position, other in moved:
            if not other.served and other.seq > place.seq:
                other.tell(position)

    def _acquire(self, place: Place) -> None:
        self.join(place)
        with self._cond:
            place.check()
            self._waiting[place.seq] = place
        # The first call's wait counts from the moment the turn joined; a later call's from its request.
        started = time.monotonic() if place.served else place.joined_at
        try:
            with self._cond:
                while not (self._busy < self.slots and place.seq == min(self._waiting)):
                    place.check()
                    remaining = started + self.max_wait_s - time.monotonic()
                    if remaining <= 0:
                        raise QueueTimeout(time.monotonic() - started)
                    self._cond.wait(remaining)
                place.check()
                del self._waiting[place.seq]
                self._busy += 1
        except BaseException:
            self.leave(place)
            raise
        place.waited_s += time.monotonic() - started
        place.tell(None)


_queues: dict[tuple, ModelQueue] = {}
_queues_lock = threading.Lock()


def queue_for(settings: Settings) -> ModelQueue:
    """The process's queue for the settings' model (one per provider, model and server)."""
    cfg = settings.llm
    local = cfg.provider == "local"
    key = (cfg.provider, cfg.local_model if local else cfg.model, cfg.base_url)
    params = (1 if local else cfg.concurrency, cfg.queue_size, cfg.max_wait_s)
    with _queues_lock:
        queue = _queues.get(key)
        if queue is None or (queue.slots, queue.queue_size, queue.max_wait_s) != (max(1, params[0]), *params[1:]):
            queue = _queues[key] = ModelQueue(*params)
        return queue


# ---------------------------------------------------------------------- remote failures and retries

_THROTTLED = {"throttlingexception", "toomanyrequestsexception", "ratelimiterror", "servicequotaexceededexception",
              "modelnotreadyexception"}
_UNREACHABLE = {"apiconnectionerror", "apitimeouterror", "internalservererror", "serviceunavailableexception",
                "serviceunavailableerror", "internalserverexception", "modeltimeoutexception", "readtimeouterror",
                "connecttimeouterror", "endpointconnectionerror", "connectionclosederror", "connecterror",
                "connecttimeout", "readtimeout", "remoteprotocolerror", "responseerror"}


def failure_kind(exc: BaseException) -> str | None:
    """"throttled" (too many requests: retry later), "unreachable" (down, timed out, 5xx: retry), or None
    (a bad request, a missing setting...: retrying would not help)."""
    for error in (exc, exc.__cause__, exc.__context__):
        if error is None:
            continue
        names = {type(error).__name__.lower()}
        code = getattr(error, "response", None)
        if isinstance(code, dict):  # botocore ClientError
            names.add(str(code.get("Error", {}).get("Code", "")).lower())
        status = getattr(error, "status_code", None) or getattr(getattr(error, "response", None), "status_code", None)
        if names & _THROTTLED or status == 429:
            return "throttled"
        if names & _UNREACHABLE or (isinstance(status, int) and status >= 500) \
                or isinstance(error, (TimeoutError, ConnectionError)):
            return "unreachable"
    return None


def with_retries(start: Callable[[], Iterator[str]], retries: int, backoff_s: float, place: Place | None = None
                 ) -> Iterator[str]:
    """The text of `start()`, started again after a throttled or unreachable attempt, up to `retries` times,
    waiting `backoff_s`, then twice as long each time (with jitter). Once text has come, a failure is final."""
    for attempt in itertools.count():
        produced = False
        try:
            for text in start():
                produced = True
                yield text
            return
        except Exception as exc:
            kind = failure_kind(exc)
            if produced or kind is None or attempt >= retries:
                raise
            delay = backoff_s * 2 ** attempt * (1 + random.random() / 4)
            log.warning("model call %s (%s); retry %d/%d in %.1f s", kind, type(exc).__name__, attempt + 1,
                        retries, delay)
            if place is not None and place.cancelled.wait(delay):
                raise QueueCancelled() from exc
            if place is None:
                time.sleep(delay)
