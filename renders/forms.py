from django import forms

from renders.models import Render


class RenderFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *Render.Status.choices], required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Render.Kind.choices], required=False)
