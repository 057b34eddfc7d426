"""The first text a new number receives: who we are, consent, and how to stop.

Fixed wording, not a model's: carriers require the opt-out and help instructions, and a model
must never be the thing that decides whether they are sent.
"""

#: One SMS (GSM-7, <= 160 characters); the coach's first question follows as its own text.
WELCOME = (
    "Welcome to textcoach, your coach by text! Msg frequency varies; msg & data rates may "
    "apply. Reply HELP for help, STOP to opt out."
)
