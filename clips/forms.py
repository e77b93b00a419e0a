from django import forms

from clips.models import Clip
from config.api.bounds import FPS_MAX, FRAMES_MAX


class ClipForm(forms.ModelForm):
    # Stored as typed: a form strips surrounding whitespace from text by default.
    code = forms.CharField(strip=False, widget=forms.Textarea(attrs={"spellcheck": "false", "rows": 24}))

    class Meta:
        model = Clip
        fields = ["name", "duration_in_frames", "fps", "poster_frame", "code"]
        labels = {"duration_in_frames": "Length (frames)", "fps": "Frames per second", "poster_frame": "Poster frame"}
        widgets = {
            "duration_in_frames": forms.NumberInput(attrs={"min": 1, "max": FRAMES_MAX}),
            "fps": forms.NumberInput(attrs={"min": 1, "max": FPS_MAX}),
            "poster_frame": forms.NumberInput(attrs={"min": 0, "max": FRAMES_MAX - 1, "placeholder": "middle"}),
        }

    def clean_code(self):
        # Browsers send a textarea's line breaks as CRLF; the code is stored as written.
        return self.cleaned_data["code"].replace("\r\n", "\n")
