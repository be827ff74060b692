"""What every `tutor` command prints the same way: errors on stderr, exit codes, a progress bar."""

from __future__ import annotations

import sys

from tutor.errors import LearnerError

EXIT_OK, EXIT_GATE, EXIT_BAD_INPUT = 0, 1, 2


def err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def learner_error(exc: LearnerError, language: str = "en") -> int:
    """Print a learner-facing error in `language`; the exit code for bad input."""
    err(exc.message(language))
    return EXIT_BAD_INPUT


def progress_bar(enabled: bool):
    """A tqdm bar on a terminal, created on the first call so short runs print nothing."""
    if not enabled or not sys.stderr.isatty():
        return None, lambda: None
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            from tqdm import tqdm

            state["bar"] = tqdm(total=total, unit="chunk", desc="embedding", file=sys.stderr)
        bar = state["bar"]
        bar.update(done - bar.n)

    def close() -> None:
        if "bar" in state:
            state["bar"].close()

    return update, close
