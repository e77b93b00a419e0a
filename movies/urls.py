from django.urls import path

from movies import views
from movies.models import Movie
from exports.views import ExportView
from renders.models import Render
from renders.views import RenderStartView

app_name = "movies"

urlpatterns = [
    path("", views.MovieListView.as_view(), name="list"),
    path("<int:pk>/", views.MovieDetailView.as_view(), name="detail"),
    path("<int:pk>/render/", RenderStartView.as_view(model=Movie, kind=Render.Kind.MOVIE), name="render"),
    path("<int:pk>/export/", ExportView.as_view(model=Movie, kind="movie"), name="export"),
]
