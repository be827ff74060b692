"""The instructors' side of the tutor, on the chat's server at /instructors (instructor accounts only):
lessons in (upload, convert, review, index, revert), gaps and progress out (declined questions grouped by
meaning, thumbs-down, repaired answers, per-lesson figures and plots), and the same figures as exports
(`tutor gaps`, `tutor report`, `tutor feedback`).

    access.py   who may come in (403 for everybody else)       texts.py    what the pages say (fr, en)
    convert.py  PDF, Word, Markdown, text -> a lesson draft     lessons.py  list, stage, apply, delete, revert
    jobs.py     index jobs run beside the chat, with progress   gaps.py     declined questions grouped
    reports.py  per-lesson figures, learners anonymised         plots.py    the figures as SVG (matplotlib)
    data.py     what both the pages and the CLI read            exports.py  CSV and JSON
    routes.py   the pages and the API, mounted on the chat's FastAPI app
"""
