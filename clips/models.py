from django.conf import settings
from django.db import models
from django.db.models import Q


class Clip(models.Model):
    """A piece of Remotion code saved to a user's library."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clips")
    name = models.CharField(max_length=200)
    code = models.TextField()
    raw_code = models.TextField(blank=True)
    duration_in_frames = models.PositiveIntegerField()
    fps = models.PositiveSmallIntegerField(default=30)
    # The frame its poster shows; null: the middle one. Past a shortened end, the last.
    poster_frame = models.PositiveIntegerField(null=True, blank=True)
    # Set when code saved before the check on save (or before a rule change) fails it:
    # {"code", "message", "line", "column"} from clips.code_validation. Such rows are kept
    # and shown with the problem; rendering them is refused with the same code.
    code_problem = models.JSONField(null=True, blank=True, editable=False)
    source_generation = models.ForeignKey(
        "generations.Generation", null=True, blank=True, on_delete=models.SET_NULL, related_name="clips"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="clip_owner_recent")]
        constraints = [
            models.CheckConstraint(condition=Q(duration_in_frames__gt=0), name="clip_duration_positive"),
            models.CheckConstraint(condition=Q(fps__gt=0), name="clip_fps_positive"),
        ]

    def __str__(self):
        return self.name
