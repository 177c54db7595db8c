"""Quizzes: grading every item type (:mod:`kb.quiz.grading`), FSRS scheduling
(:mod:`kb.quiz.scheduling`) and study sessions (:mod:`kb.quiz.session`).

Importing this package is cheap; fsrs and the store load with the modules that use them.
"""
