from django.conf import settings
from django.db import models
from django.db.models import Q


class Movie(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="movies")
    name = models.CharField(max_length=200)
    fps = models.PositiveSmallIntegerField(default=30)
    # Cached sum of the scenes' effective durations; movies.services keeps it current.
    total_duration_in_frames = models.PositiveIntegerField(default=0)
    # Bumped by every change (movies.services): clients send it back as If-Match, so an
    # edit based on an older state is refused instead of silently overwriting it.
    version = models.PositiveIntegerField(default=1)
    # The frame of the whole movie its poster shows; null: the middle of the first scene.
    # Past a shortened end, the last.
    poster_frame = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="movie_owner_recent")]
        constraints = [models.CheckConstraint(condition=Q(fps__gt=0), name="movie_fps_positive")]

    def __str__(self):
        return self.name


class Scene(models.Model):
    """One clip placed on a movie's timeline. Survives its clip's deletion as 'missing'."""

    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="scenes")
    clip = models.ForeignKey("clips.Clip", null=True, blank=True, on_delete=models.SET_NULL, related_name="scenes")
    position = models.PositiveIntegerField()
    duration_override = models.PositiveIntegerField(null=True, blank=True)
    trim_start = models.PositiveIntegerField(default=0)
    trim_end = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["movie", "position"]
        constraints = [
            models.UniqueConstraint(fields=["movie", "position"], name="scene_one_per_position"),
            models.CheckConstraint(condition=Q(position__gte=0), name="scene_position_non_negative"),
            models.CheckConstraint(condition=Q(trim_start__gte=0), name="scene_trim_start_non_negative"),
            models.CheckConstraint(condition=Q(trim_end__gte=0), name="scene_trim_end_non_negative"),
            models.CheckConstraint(
                condition=Q(duration_override__isnull=True) | Q(duration_override__gt=0),
                name="scene_duration_override_positive",
            ),
        ]

    def __str__(self):
        return f"{self.movie} #{self.position}"

    @property
    def is_missing(self):
        return self.clip_id is None

    @property
    def base_duration(self):
        if self.clip_id is None:
            return 0
        if self.duration_override is not None:
            return self.duration_override
        return self.clip.duration_in_frames

    @property
    def effective_duration(self):
        return max(0, self.base_duration - self.trim_start - self.trim_end)


class MovieRevision(models.Model):
    """One timeline edit: who made it, when, which operation, the scenes before and after.

    The movie's history is its revisions in id order. Undo restores the newest applied
    revision's `scenes_before` and marks it undone; redo restores the oldest undone
    revision's `scenes_after`. A new edit deletes the undone ones (the redo branch).
    """

    class Operation(models.TextChoices):
        INSERT = "insert", "Insert scene"
        UPDATE = "update", "Change scene"
        SPLIT = "split", "Split scene"
        REORDER = "reorder", "Reorder scenes"
        REMOVE = "remove", "Remove scene"

    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    operation = models.CharField(max_length=16, choices=Operation.choices)
    # [{"id", "clip", "duration_override", "trim_start", "trim_end"}, ...] in timeline order.
    scenes_before = models.JSONField()
    scenes_after = models.JSONField()
    undone = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["movie", "undone", "id"], name="revision_movie_history")]

    def __str__(self):
        return f"{self.movie} {self.get_operation_display()} #{self.pk}"
