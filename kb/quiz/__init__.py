"""Quizzes: grading every item type (:mod:`kb.quiz.grading`) and study sessions
(:mod:`kb.quiz.session`). FSRS scheduling belongs to the progress store
(:mod:`kb.progress.scheduling`), which the session calls through the store.

Importing this package is cheap; fsrs and the store load with the modules that use them.
"""
