"""Examenquiz van de workshop: vragenbank, oefen- en examenmodus, voortgang en herhaling.

Front ends: `quiz.widgets.show_quiz()` in JupyterLab of Voilà, en `python -m quiz` in een
terminal. `import quiz` laadt torch niet. Alleen quiz.computed importeert model_utils, en
pas wanneer een berekende vraag aan de beurt komt.
"""

from quiz.bank import BankError, Question, QuestionBank, Topic, load_bank
from quiz.grading import Grade, InvalidResponse, grade
from quiz.progress import ProgressError, ProgressStore
from quiz.session import Feedback, Results, Session, SessionError, TimeUp

__all__ = [
    "BankError",
    "Feedback",
    "Grade",
    "InvalidResponse",
    "ProgressError",
    "ProgressStore",
    "Question",
    "QuestionBank",
    "Results",
    "Session",
    "SessionError",
    "TimeUp",
    "Topic",
    "grade",
    "load_bank",
]
