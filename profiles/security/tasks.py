"""Celery tasks: thin wrappers over the notices; safe to run twice."""

from celery import shared_task

from . import notices

TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_kwargs": {"max_retries": 5},
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(**TASK_OPTIONS)
def pin_locked_notify(user_id: int, locked_until: str) -> bool:
    return notices.pin_locked_send(user_id=user_id, locked_until=locked_until)


@shared_task(**TASK_OPTIONS)
def pin_reset_send(user_id: int) -> bool:
    return notices.pin_reset_send(user_id=user_id)


@shared_task(**TASK_OPTIONS)
def new_device_notify(user_id: int, when: str, user_agent: str, ip: str) -> bool:
    return notices.new_device_send(user_id=user_id, when=when, user_agent=user_agent, ip=ip)
