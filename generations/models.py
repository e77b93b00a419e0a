from django.conf import settings
from django.db import models
from django.db.models import Q


class Generation(models.Model):
    """A prompt and the Remotion code an AI model generated for it."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCESS = "success"
        FAILED = "failed"

    class AspectRatio(models.TextChoices):
        LANDSCAPE = "16:9"
        SQUARE = "1:1"
        PORTRAIT = "9:16"

    # Pixel size rendered for each aspect ratio (long side 1920 at most).
    DIMENSIONS = {
        AspectRatio.LANDSCAPE: (1920, 1080),
        AspectRatio.SQUARE: (1080, 1080),
        AspectRatio.PORTRAIT: (1080, 1920),
    }

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generations")
    prompt = models.TextField()
    code = models.TextField(blank=True)
    raw_code = models.TextField(blank=True)
    duration_in_frames = models.PositiveIntegerField()
    fps = models.PositiveSmallIntegerField(default=30)
    # Set when code saved before the check on save (or before a rule change) fails it:
    # {"code", "message", "line", "column"} from clips.code_validation. Such rows are kept
    # and shown with the problem; rendering them is refused with the same code.
    code_problem = models.JSONField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error_message = models.TextField(blank=True)
    aspect_ratio = models.CharField(max_length=8, choices=AspectRatio.choices, default=AspectRatio.LANDSCAPE)
    duration_in_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="refinements"
    )
    refinement_prompt = models.TextField(blank=True)
    batch_id = models.UUIDField(null=True, blank=True)
    variation_index = models.PositiveSmallIntegerField(null=True, blank=True)
    variation_count = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="generation_owner_recent"),
            models.Index(fields=["batch_id"], name="generation_batch", condition=Q(batch_id__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(duration_in_frames__gt=0), name="generation_duration_positive"),
            models.CheckConstraint(condition=Q(fps__gt=0), name="generation_fps_positive"),
        ]

    def __str__(self):
        return f"Generation {self.pk}: {self.prompt[:40]}"

    @property
    def is_ready(self):
        """Finished successfully with code: can be rendered or saved as a clip."""
        return self.status == self.Status.SUCCESS and bool(self.code.strip())

    @property
    def dimensions(self):
        return self.DIMENSIONS[self.aspect_ratio]
