"""Celery tasks: load by id, call a service; safe to run twice."""

from celery import shared_task

from .services import applications, members

TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_kwargs": {"max_retries": 5},
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(**TASK_OPTIONS)
def institution_event_notify(event_id: int) -> bool:
    """E-mail the applicant about an application or review decision (once)."""
    return applications.institution_event_notify(event_id=event_id)


@shared_task(**TASK_OPTIONS)
def invitation_send(invitation_id: int) -> bool:
    """E-mail an invitation link to join an institution."""
    return members.invitation_send_email(invitation_id=invitation_id)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def invitations_purge_expired() -> int:
    """Nightly: delete invitations that expired more than 30 days ago and were never used."""
    return members.invitations_purge_expired()
