from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Render(models.Model):
    """One request to turn a clip, a movie or a generation into an MP4.

    What is rendered is snapshotted onto the row when the request is accepted, so later
    edits (or a deleted scene clip) do not change a render that is already queued.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        RENDERING = "rendering"
        COMPLETE = "complete"
        FAILED = "failed"
        CANCELLED = "cancelled"

    FINAL_STATUSES = (Status.COMPLETE, Status.FAILED, Status.CANCELLED)
    LIVE_STATUSES = (Status.PENDING, Status.RENDERING)

    class Kind(models.TextChoices):
        CLIP = "clip"
        MOVIE = "movie"
        GENERATION = "generation"

    class Backend(models.TextChoices):
        LOCAL = "local"
        LAMBDA = "lambda"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="renders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # A deleted target leaves its renders (and their cost and output) in place: the
    # target becomes null while `kind` still says what it was.
    generation = models.ForeignKey(
        "generations.Generation", null=True, blank=True, on_delete=models.SET_NULL, related_name="renders"
    )
    clip = models.ForeignKey("clips.Clip", null=True, blank=True, on_delete=models.SET_NULL, related_name="renders")
    movie = models.ForeignKey("movies.Movie", null=True, blank=True, on_delete=models.SET_NULL, related_name="renders")
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries")
    # False for renders requested without the quota (`render --skip-quota`): never counted.
    charged = models.BooleanField(default=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    backend = models.CharField(max_length=16, choices=Backend.choices)

    # Snapshot of what is rendered, taken when the request is accepted.
    composition_id = models.CharField(max_length=64)
    input_props = models.JSONField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    fps = models.PositiveSmallIntegerField()
    duration_in_frames = models.PositiveIntegerField()
    # The content key of its poster, a still of the snapshot (renders/outputs/posters.py),
    # so lists find the poster without loading the snapshot; empty on older renders
    # until a list first shows them.
    poster_key = models.CharField(max_length=64, blank=True, editable=False)

    farm_render_id = models.CharField(max_length=128, blank=True)
    farm_bucket = models.CharField(max_length=128, blank=True)
    output_bucket = models.CharField(max_length=128, blank=True)
    output_key = models.CharField(max_length=1024, blank=True)
    output_size = models.BigIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    # The end of the renderer's own output when it failed (farm RenderProgress.renderer_output).
    renderer_output = models.TextField(blank=True)
    estimated_cost = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    cost_currency = models.CharField(max_length=8, blank=True)
    poll_count = models.PositiveIntegerField(default=0)
    # Billed invocations of the Lambda function for this render (start and status calls).
    lambda_invocations = models.PositiveIntegerField(default=0)
    # The poll chain's turn: each poll task carries the value it expects and moves it on,
    # so a duplicated or superseded chain (redelivery, sweep) finds it changed and stops.
    poll_seq = models.PositiveBigIntegerField(default=0)
    # Renders polled in batches (renders/lifecycle/batch_polls.py) keep their chain on the row instead
    # of in a task: when the next poll is due, and the transient errors in a row so far.
    next_poll_at = models.DateTimeField(null=True, blank=True)
    poll_errors = models.PositiveSmallIntegerField(default=0)
    # Set just before the farm is asked to start: the attempt's id travels to the farm
    # (webhook customData), so a start whose reply was lost can be recognised and adopted.
    start_attempt = models.CharField(max_length=32, blank=True)
    start_sent_at = models.DateTimeField(null=True, blank=True)
    # The machine running a local render (its polls and cancel run there), and how often
    # the render was handed back to pending because its host was lost.
    host = models.ForeignKey(
        "renders.RenderHost", null=True, blank=True, on_delete=models.PROTECT, related_name="renders"
    )
    restart_count = models.PositiveSmallIntegerField(default=0)
    # The host lost while it had this render (the latest one), for the restart's note.
    lost_host_name = models.CharField(max_length=63, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    # Set when RENDER_RETENTION_DAYS removed the output; the row stays as the record.
    output_expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="render_owner_recent"),
            models.Index(fields=["movie", "-created_at"], name="render_movie_latest"),
            models.Index(fields=["clip", "-created_at"], name="render_clip_latest"),
            models.Index(fields=["generation", "-created_at"], name="render_generation_latest"),
            models.Index(
                fields=["last_polled_at"],
                name="render_live_by_last_poll",
                condition=Q(status__in=["pending", "rendering"]),
            ),
            models.Index(
                fields=["next_poll_at"], name="render_poll_due", condition=Q(status="rendering", next_poll_at__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                # The kind's own target may be gone (deleted), another kind's never set.
                condition=(
                    Q(kind="clip", movie__isnull=True, generation__isnull=True)
                    | Q(kind="movie", clip__isnull=True, generation__isnull=True)
                    | Q(kind="generation", clip__isnull=True, movie__isnull=True)
                ),
                name="render_exactly_one_target",
            ),
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="render_progress_range"),
        ]

    def __str__(self):
        return f"Render {self.pk} ({self.kind}, {self.status})"

    @property
    def is_final(self):
        return self.status in self.FINAL_STATUSES

    @property
    def attempt(self):
        """1 for the first run; each hand-back after a lost host starts a new attempt (from
        frame 0, progress from 0)."""
        return self.restart_count + 1

    @property
    def restart_note(self):
        """What editors and clients read about a restart ("" for a first attempt)."""
        if not self.restart_count:
            return ""
        lost = self.lost_host_name or "its render host"
        if self.host_id is None:
            return f"Attempt {self.attempt}: {lost} was lost; restarting on another render host."
        return f"Attempt {self.attempt}: restarted on {self.host.name} after {lost} was lost."

    @property
    def target(self):
        """The clip, movie or generation rendered; None once it was deleted."""
        return self.clip or self.movie or self.generation

    @property
    def target_deleted(self):
        return self.clip_id is None and self.movie_id is None and self.generation_id is None


class RenderRequestKey(models.Model):
    """An Idempotency-Key a user sent with a render request, and the render it created.

    The unique (owner, key) pair is written in the render's own transaction, so two
    requests racing with one key create one render: the second waits on the index and
    then answers with the first's render.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # What was asked (path and body): the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    # Null only inside the transaction that claims the key and then creates the render.
    render = models.ForeignKey(Render, null=True, on_delete=models.CASCADE, related_name="request_keys")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="render_request_key_unique")]

    def __str__(self):
        return f"{self.key} -> render {self.render_id}"


class RenderEvent(models.Model):
    """What happened to a render, for staff reading its history in the admin."""

    class Kind(models.TextChoices):
        REQUESTED = "requested"
        WAITING = "waiting"
        STARTED = "started"
        PROGRESS = "progress"
        TRANSIENT_ERROR = "transient_error"
        RESUMED = "resumed"
        ADOPTED = "adopted"  # a farm render whose start reply was lost, found again
        RESTARTED = "restarted"  # a start that never reached the farm, or a lost host's render, sent again
        WEBHOOK = "webhook"
        COMPLETED = "completed"
        FAILED = "failed"
        CANCELLED = "cancelled"
        RETRIED = "retried"
        EXPIRED = "expired"

    render = models.ForeignKey(Render, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["render", "created_at"], name="render_event_history")]

    def __str__(self):
        return f"{self.kind}: {self.message[:60]}"


class RenderHost(models.Model):
    """A machine whose Celery workers run local renders (RENDER_HOST_NAME).

    Its workers refresh `last_heartbeat_at`; a host silent for RENDER_HOST_LOST_AFTER_SECONDS
    is lost and the sweep hands its renders to the others. The row is also the lock taken
    while deciding whether the host has a free slot.
    """

    name = models.CharField(max_length=63, unique=True)
    slots = models.PositiveSmallIntegerField()
    # A fresh id each time a worker starts on the host, so staff can tell a restart.
    boot_id = models.CharField(max_length=32)
    started_at = models.DateTimeField()
    last_heartbeat_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class RenderCharge(models.Model):
    """The accounting line of one render: written with the render in the transaction that
    charges the quota, settled when the render ends, and kept when the render is deleted.

    Quota and usage count these lines, never the renders, so deleting a render (its video,
    work files and history) cannot hand back its quota slot or erase its cost.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="render_charges"
    )
    render = models.OneToOneField(
        Render, null=True, blank=True, on_delete=models.SET_NULL, related_name="charge"
    )
    kind = models.CharField(max_length=16, choices=Render.Kind.choices)
    # The render's request time: the quota's window and the usage period are judged by it.
    created_at = models.DateTimeField(default=timezone.now)
    # Counts against the hourly quota; cleared when the render's own code failed it
    # before the farm spent anything (renders.lifecycle.charges.UNCHARGED_ERRORS).
    quota_counted = models.BooleanField(default=True)
    complete = models.BooleanField(default=False)
    # Seconds of video asked for; usage adds them up for complete renders only.
    video_seconds = models.FloatField()
    estimated_cost = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    cost_currency = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "created_at"], name="render_charge_owner_time")]

    def __str__(self):
        return f"Charge of render {self.render_id} ({self.kind})"


class RenderUsage(User):
    """Users seen through what their renders cost: the admin's usage report (no table)."""

    class Meta:
        proxy = True
        verbose_name = "render usage"
        verbose_name_plural = "render usage"
