from django.urls import path

from renders import views

app_name = "renders"

urlpatterns = [
    path("", views.RenderListView.as_view(), name="list"),
    path("<int:pk>/", views.RenderDetailView.as_view(), name="detail"),
    path("<int:pk>/progress/", views.RenderProgressView.as_view(), name="progress"),
    path("<int:pk>/video/", views.RenderVideoView.as_view(), name="video"),
    path("<int:pk>/retry/", views.RenderRetryView.as_view(), name="retry"),
    path("<int:pk>/cancel/", views.RenderCancelView.as_view(), name="cancel"),
]
