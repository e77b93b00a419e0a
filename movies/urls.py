from django.urls import path

from movies import timeline_views, views
from movies.models import Movie
from exports.views import ExportView
from renders.models import Render
from renders.views import RenderStartView

app_name = "movies"

urlpatterns = [
    path("", views.MovieListView.as_view(), name="list"),
    path("new/", views.MovieCreateView.as_view(), name="create"),
    path("<int:pk>/", views.MovieDetailView.as_view(), name="detail"),
    path("<int:pk>/rename/", views.MovieRenameView.as_view(), name="rename"),
    path("<int:pk>/poster/", views.MoviePosterView.as_view(), name="poster"),
    path("<int:pk>/delete/", views.MovieDeleteView.as_view(), name="delete"),
    path("<int:pk>/timeline/<slug:operation>/", timeline_views.TimelineEditView.as_view(), name="edit"),
    path("<int:pk>/render/", RenderStartView.as_view(model=Movie, kind=Render.Kind.MOVIE), name="render"),
    path("<int:pk>/export/", ExportView.as_view(model=Movie, kind="movie"), name="export"),
]
