from django import forms

from renders.models import Render


class RenderFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *Render.Status.choices], required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Render.Kind.choices], required=False)


# The sizes a page offers, all within the single-render and movie limits.
RENDER_SIZES = {
    "1080p": ("1080p landscape (1920×1080)", (1920, 1080)),
    "720p": ("720p landscape (1280×720)", (1280, 720)),
    "square": ("Square (1080×1080)", (1080, 1080)),
    "portrait": ("Portrait (1080×1920)", (1080, 1920)),
    "draft": ("Quick draft (640×360)", (640, 360)),
}


class RenderSizeForm(forms.Form):
    size = forms.ChoiceField(
        choices=[("", "Default size"), *((key, label) for key, (label, _) in RENDER_SIZES.items())],
        required=False,
    )

    def chosen_size(self):
        """(width, height), or None for the target's default (1080p; a generation's aspect)."""
        key = self.cleaned_data["size"] if self.is_valid() else ""
        return RENDER_SIZES[key][1] if key else None
