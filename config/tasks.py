"""Celery tasks the whole hub shares.

The outbox's two mail tasks are defined in `config.mail`, beside the outbox they send (ADR 0013),
and listed here under their task names (`config.tasks.send_email`, `config.tasks.send_due_email`).
"""

from config.mail import send_due_email, send_email

__all__ = ["send_due_email", "send_email"]
