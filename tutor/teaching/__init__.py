"""Teaching beside the engine: what the learner is doing (acts), check questions and quizzes validated by
code, grading, guided hints, and progress (mastery and reviews)."""
