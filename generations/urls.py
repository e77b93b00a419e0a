from django.urls import path

from generations import views
from generations.models import Generation
from renders.models import Render
from renders.views import RenderStartView

app_name = "generations"

urlpatterns = [
    path("", views.GenerationListView.as_view(), name="list"),
    path("<int:pk>/", views.GenerationDetailView.as_view(), name="detail"),
    path("<int:pk>/save-as-clip/", views.GenerationSaveAsClipView.as_view(), name="save_as_clip"),
    path(
        "<int:pk>/render/",
        RenderStartView.as_view(model=Generation, kind=Render.Kind.GENERATION),
        name="render",
    ),
]
