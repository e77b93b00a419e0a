from django.urls import path

from clips import views
from clips.models import Clip
from exports.views import ExportView
from renders.models import Render
from renders.views import RenderStartView

app_name = "clips"

urlpatterns = [
    path("", views.ClipListView.as_view(), name="list"),
    path("new/", views.ClipCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ClipDetailView.as_view(), name="detail"),
    path("<int:pk>/delete/", views.ClipDeleteView.as_view(), name="delete"),
    path("<int:pk>/render/", RenderStartView.as_view(model=Clip, kind=Render.Kind.CLIP), name="render"),
    path("<int:pk>/export/", ExportView.as_view(model=Clip, kind="clip"), name="export"),
]
