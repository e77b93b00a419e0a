from django import forms

from config.api.bounds import FPS_MAX
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
