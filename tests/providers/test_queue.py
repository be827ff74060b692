"""The model's fair queue: first come first served, positions told and updated, a bounded line, a longest
wait, cancellation (Stop, closed tab), a turn keeping its rank across its calls, and the ChatProvider's
calls going through it."""

import threading
import time

import pytest
from fixtures.fake_servers import ChatServer

from tutor.errors import LearnerError
from tutor.providers.chat import ChatProvider
from tutor.providers.queue import (
    ModelQueue,
    Place,
    QueueCancelled,
    QueueFull,
    QueueTimeout,
    failure_kind,
    queue_for,
    waiting,
    with_retries,
)


def wait_until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


class Learner:
    """A thread asking the model once (holding the slot until `done` is set), recording what it is told."""

    def __init__(self, queue: ModelQueue, name: str, served: list, place: Place | None = None):
        self.told, self.error, self.done = [], None, threading.Event()
        self.place = place or Place(on_position=self.told.append)
        self.thread = threading.Thread(target=self.run, args=(queue, name, served), daemon=True)

    def run(self, queue, name, served):
        try:
            with waiting(self.place), queue.slot():  # one turn, one model call
                served.append(name)
                self.done.wait(5)
        except BaseException as exc:  # noqa: BLE001 - recorded for the test
            self.error = exc

    def start(self, queue: ModelQueue, waiting_before: int):
        self.thread.start()
        wait_until(lambda: queue.stats()["waiting"] == waiting_before + 1 or self.error or self.place.served)
        return self


def test_first_come_first_served_with_positions_told_and_updated():
    queue, served = ModelQueue(slots=1), []
    first = Learner(queue, "a", served).start(queue, -1)
    wait_until(lambda: served == ["a"])
    b, c, d = (Learner(queue, name, served).start(queue, n) for n, name in enumerate("bcd"))
    wait_until(lambda: d.told == [3])
    assert (b.told, c.told) == ([1], [2])
    line = [b, c, d]
    for learner in (first, b, c, d):
        learner.done.set()
        learner.thread.join(5)
        if line:  # the next one is served, the others move up one place
            now = line.pop(0)
            wait_until(lambda now=now: now.told[-1] is None and all(o.told[-1] == n for n, o in enumerate(line, 1)))
    assert served == ["a", "b", "c", "d"]
    # each is told it is next (0) when the one before it leaves, unless the model starts on it first
    assert [[n for n in learner.told if n] for learner in (b, c, d)] == [[1], [2, 1], [3, 2, 1]]
    assert all(learner.told[-1] is None for learner in (b, c, d))
    assert first.told == [None]  # served at once: no position to show, only "it is your turn"
    assert queue.stats() == {"in_line": 0, "waiting": 0, "busy": 0, "slots": 1}


def test_a_stopped_question_leaves_the_line_and_the_others_move_up():
    queue, served = ModelQueue(slots=1), []
    first = Learner(queue, "a", served).start(queue, -1)
    b = Learner(queue, "b", served).start(queue, 0)
    c = Learner(queue, "c", served).start(queue, 1)
    b.place.cancel()
    b.thread.join(5)
    assert isinstance(b.error, QueueCancelled)
    wait_until(lambda: c.told == [2, 1])
    first.done.set()
    c.done.set()
    c.thread.join(5)
    assert served == ["a", "c"]


def test_the_wait_is_bounded_and_said_in_french():
    queue, served = ModelQueue(slots=1, max_wait_s=0.2), []
    first = Learner(queue, "a", served).start(queue, -1)
    late = Learner(queue, "b", served).start(queue, 0)
    late.thread.join(5)
    first.done.set()
    assert isinstance(late.error, QueueTimeout) and isinstance(late.error, LearnerError)
    assert "attend depuis plus de 1 min" in late.error.message("fr") and "Reposez-la" in late.error.message("fr")
    assert queue.stats()["in_line"] == 1  # the one that timed out left


def test_the_line_is_bounded():
    queue, served = ModelQueue(slots=1, queue_size=2), []
    first = Learner(queue, "a", served).start(queue, -1)
    others = [Learner(queue, name, served).start(queue, n) for n, name in enumerate("bc")]
    refused = Learner(queue, "d", served)
    refused.thread.start()
    refused.thread.join(5)
    assert isinstance(refused.error, QueueFull) and "2 attendent déjà" in refused.error.message("fr")
    for learner in (first, *others):
        learner.done.set()
        learner.thread.join(5)
    assert served == ["a", "b", "c"]


def test_a_turn_keeps_its_rank_between_its_model_calls():
    queue, served = ModelQueue(slots=1), []
    turn = Place()
    with waiting(turn):
        with queue.slot():  # the turn's first call (a rewrite, say)
            later = Learner(queue, "later", served).start(queue, 0)
        # the other learner got the model while this turn retrieved; a third one queues behind
        wait_until(lambda: served == ["later"])
        third = Learner(queue, "third", served).start(queue, 0)

        def second_call():
            with queue.slot(turn):
                served.append("turn")

        caller = threading.Thread(target=second_call)
        caller.start()
        wait_until(lambda: queue.stats()["waiting"] == 2)
        later.done.set()
        caller.join(5)
    third.done.set()
    third.thread.join(5)
    assert served == ["later", "turn", "third"]  # the turn came before the third learner: served first


def test_remote_providers_answer_several_at_once(settings):
    remote = settings.model_copy(update={"llm": settings.llm.model_copy(update={"provider": "openai", "concurrency": 3})})
    local = settings.model_copy(update={"llm": settings.llm.model_copy(update={"provider": "local"})})
    assert queue_for(remote).slots == 3 and queue_for(local).slots == 1
    assert queue_for(remote) is queue_for(remote)


def test_the_provider_stops_generating_when_the_learner_leaves(settings):
    settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={
        "fake_responses": ["un deux trois quatre cinq six sept huit"], "concurrency": 1})})
    provider, place = ChatProvider(settings), Place()
    tokens = []
    with waiting(place), pytest.raises(QueueCancelled):
        for token in provider.stream([("human", "Bonjour")]):
            tokens.append(token)
            place.cancel()
    assert len(tokens) == 1
    assert queue_for(settings).stats()["busy"] == 0  # the slot is free for the next learner
    assert "".join(provider.stream([("human", "Bonjour")])).startswith("un deux")


def test_a_slow_fake_model_holds_its_slot_for_its_delay(settings, monkeypatch):
    """TUTOR_LLM__FAKE_DELAY_S (load tests): each reply waits that long, with the model's slot held, as a slow
    model would. The sleep is observed, not timed."""
    from tutor.providers import fake

    settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={
        "fake_responses": ["un deux"], "fake_delay_s": 2.5, "concurrency": 1})})
    provider, seen = ChatProvider(settings), []
    monkeypatch.setattr(fake, "sleep", lambda s: seen.append((s, queue_for(settings).stats()["busy"])))
    assert "".join(provider.stream([("human", "Bonjour")])) == "un deux"
    assert seen == [(2.5, 1)]


class Throttled(Exception):
    status_code = 429


def test_retries_with_backoff_only_before_the_first_token():
    attempts = []

    def flaky():
        attempts.append(time.monotonic())
        if len(attempts) < 3:
            raise Throttled()
        yield "ok"

    assert list(with_retries(flaky, retries=3, backoff_s=0.05)) == ["ok"]
    assert len(attempts) == 3 and attempts[2] - attempts[1] > attempts[1] - attempts[0] >= 0.05  # doubled

    def broken_midway():
        yield "début"
        raise ConnectionError("reset")

    with pytest.raises(ConnectionError):
        list(with_retries(broken_midway, retries=3, backoff_s=0.01))

    def bad_request():
        attempts.append(0)
        raise ValueError("bad request")
        yield

    attempts.clear()
    with pytest.raises(ValueError):
        list(with_retries(bad_request, retries=3, backoff_s=0.01))
    assert len(attempts) == 1  # not retried: it would fail the same way


def test_failure_kinds():
    from botocore.exceptions import ClientError

    throttled = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "ConverseStream")
    assert failure_kind(throttled) == "throttled" and failure_kind(Throttled()) == "throttled"
    assert failure_kind(ConnectionRefusedError()) == "unreachable" and failure_kind(TimeoutError()) == "unreachable"
    assert failure_kind(ValueError()) is None


def test_an_openai_compatible_server_is_retried_then_explained(settings):
    from tutor.providers.chat import ProviderUnavailable

    def provider(url, **llm):
        return ChatProvider(settings.model_copy(update={"llm": settings.llm.model_copy(update={
            "provider": "openai", "model": "m", "base_url": f"{url}/v1", "retry_backoff_s": 0.01, **llm})}))

    with ChatServer("Un prompt est une demande.", failures=[429, 503]) as server:
        assert "".join(provider(server.url).stream([("human", "Qu'est-ce qu'un prompt ?")])).strip() == \
            "Un prompt est une demande."
        assert len(server.requests) == 3
    with ChatServer("jamais", failures=[429] * 5) as server, pytest.raises(ProviderUnavailable) as busy:
        list(provider(server.url, retries=2).stream([("human", "Bonjour")]))
    assert len(server.requests) == 3 and "trop de demandes" in busy.value.message("fr")
    with pytest.raises(ProviderUnavailable) as down:
        list(provider("http://127.0.0.1:9", retries=1).stream([("human", "Bonjour")]))
    assert "ne répond pas" in down.value.message("fr")


def test_a_turn_is_told_its_place_when_it_starts_and_a_retrieving_turn_holds_nobody_up():
    queue, served = ModelQueue(slots=1), []
    first = Learner(queue, "a", served).start(queue, -1)
    told = []
    early = Place(on_position=told.append)
    queue.join(early)  # the front door, as the learner's message arrives
    assert told == [1]
    late = Learner(queue, "late", served).start(queue, 0)
    assert late.told == [2]
    first.done.set()  # the early turn is still retrieving: the model goes to the one that waits
    wait_until(lambda: served == ["a", "late"])
    assert told == [1, 0]  # the early one is next
    early.cancel()
    late.done.set()
    late.thread.join(5)
    assert queue.stats()["in_line"] == 0
