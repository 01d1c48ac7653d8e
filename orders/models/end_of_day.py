"""End-of-day runs and the parts each attempt is split into."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class EndOfDayRun(models.Model):
    """One row per business date: runs of the same date take its lock in turn, and it records
    what the last run did."""

    date = models.DateField(unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    stats = models.JSONField(default=dict)
    # Every run of the date is a new attempt with parts of its own (EndOfDayPart); a run
    # started while the last attempt is unfinished joins (resumes) that attempt.
    attempt = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=200, blank=True)  # the attempt's phase now ("" closed)
    batch_size = models.PositiveIntegerField(default=10_000)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"End of day {self.date}"


class EndOfDayPart(models.Model):
    """One part of an end-of-day attempt: a phase's work for one range of investors (user ids
    ``first_user``–``last_user``; none: everything, for steps that are not split). Parts of a
    phase run at once on any workers; a part does its work and sets ``done_at`` in one
    transaction, so running it again does nothing, and the part that finishes its phase last
    creates the next phase's parts (or closes the run)."""

    run = models.ForeignKey(EndOfDayRun, on_delete=models.CASCADE, related_name="parts")
    attempt = models.PositiveIntegerField()
    phase = models.CharField(max_length=200)
    seq = models.PositiveIntegerField()
    first_user = models.BigIntegerField(null=True, blank=True)
    last_user = models.BigIntegerField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    stats = models.JSONField(default=dict)

    class Meta:
        ordering = ["run", "attempt", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "attempt", "phase", "seq"], name="end_of_day_part_once"
            )
        ]

    def __str__(self) -> str:
        return f"End of day {self.run_id}/{self.attempt} {self.phase} #{self.seq}"
