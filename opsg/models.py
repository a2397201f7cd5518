"""Site-wide records: failed guesses at the secrets in URLs, counted per client address."""

from django.db import models


class FailedGuess(models.Model):
    """How many wrong tokens one address tried for one kind of secret URL (a calendar feed, an owner
    link) in one time window (opsg/throttle.py)."""

    address = models.CharField(max_length=64)
    kind = models.CharField(max_length=20)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["address", "kind", "window_start"], name="unique_failed_guess_window"
            )
        ]

    def __str__(self):
        return f"{self.address} {self.kind}: {self.count} since {self.window_start:%H:%M}"
