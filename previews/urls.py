from django.urls import path

from previews import views

app_name = "previews"

urlpatterns = [
    path("<str:token>/", views.embed, name="embed"),
]
