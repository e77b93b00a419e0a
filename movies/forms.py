from django import forms

from config.api.bounds import FPS_MAX, FRAMES_MAX
from movies.models import Movie


class MovieForm(forms.ModelForm):
    class Meta:
        model = Movie
        fields = ["name", "fps"]
        widgets = {"fps": forms.NumberInput(attrs={"min": 1, "max": FPS_MAX})}


class MovieRenameForm(forms.ModelForm):
    class Meta:
        model = Movie
        fields = ["name"]


class MoviePosterForm(forms.ModelForm):
    class Meta:
        model = Movie
        fields = ["poster_frame"]
        labels = {"poster_frame": "Poster frame"}
        widgets = {"poster_frame": forms.NumberInput(attrs={"min": 0, "max": FRAMES_MAX - 1, "placeholder": "middle"})}
