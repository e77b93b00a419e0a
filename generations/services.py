from clips.code_validation import code_check, raw_code_check
from clips.services import clip_create
from config.api.exceptions import ConflictError
from generations.models import Generation


def generation_create(
    *,
    owner,
    prompt,
    code,
    duration_in_frames,
    fps=30,
    raw_code="",
    aspect_ratio=Generation.AspectRatio.LANDSCAPE,
    duration_in_seconds=None,
    parent=None,
    refinement_prompt="",
):
    """Record a prompt and the code the model produced for it. The client calls the model,
    so a generation arrives finished: it is stored as a success."""
    code_check(code)
    raw_code_check(raw_code)
    return Generation.objects.create(
        owner=owner,
        prompt=prompt,
        code=code,
        raw_code=raw_code,
        duration_in_frames=duration_in_frames,
        fps=fps,
        aspect_ratio=aspect_ratio,
        duration_in_seconds=duration_in_seconds,
        parent=parent,
        refinement_prompt=refinement_prompt,
        status=Generation.Status.SUCCESS,
    )


def generation_save_as_clip(*, generation, name):
    """Copy a successful generation's code into the owner's clip library (checked again:
    a generation stored before the check on save may fail it)."""
    if not generation.is_ready:
        raise ConflictError(
            "generation_not_saveable",
            "Only a successful generation with code can be saved as a clip.",
        )
    return clip_create(
        owner=generation.owner,
        name=name,
        code=generation.code,
        raw_code=generation.raw_code,
        duration_in_frames=generation.duration_in_frames,
        fps=generation.fps,
        source_generation=generation,
    )

