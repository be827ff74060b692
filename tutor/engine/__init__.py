"""One learner turn: input -> retrieve -> decide -> prompt -> generate -> check -> events.

`tutor.engine.tutor.Tutor` runs it; `tutor.engine.events` holds what it yields.
"""
