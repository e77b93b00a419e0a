"""The movie editor's timeline edits from the page (htmx and a little plain JavaScript).

Each edit validates its form with the API's serializer and calls the same service with
the same If-Match rule, so pages and API share rules and error codes. A success answers
with the re-rendered editor; a refusal keeps the editor as it is and shows the error in
its alert area (HX-Retarget) with the API's status: a 412 offers to reload.
"""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views import View
from rest_framework.exceptions import ValidationError

from config.api.exceptions import ApplicationError, first_message
from movies.api import (
    SceneInsertSerializer,
    SceneSplitSerializer,
    ScenesReorderSerializer,
    SceneUpdateSerializer,
)
from movies.editor import editor_context
from movies.history import movie_redo, movie_undo
from movies.if_match import expected_version
from movies.models import Movie, Scene
from movies.services import movie_insert_scene, scene_remove, scene_split, scene_update, scenes_reorder
from renders.models import Render
from renders.panel import render_panel


def _insert(movie, scene, data, edit):
    return movie_insert_scene(movie=movie, **data, **edit)


def _update(movie, scene, data, edit):
    return scene_update(scene=scene, **data, **edit)


def _split(movie, scene, data, edit):
    return scene_split(scene=scene, **data, **edit)


def _reorder(movie, scene, data, edit):
    return scenes_reorder(movie=movie, **data, **edit)


def _remove(movie, scene, data, edit):
    return scene_remove(scene=scene, **edit)


def _undo(movie, scene, data, edit):
    return movie_undo(movie=movie, expected_version=edit["expected_version"])


def _redo(movie, scene, data, edit):
    return movie_redo(movie=movie, expected_version=edit["expected_version"])


# operation -> (form serializer or None, needs a scene, service call)
OPERATIONS = {
    "insert": (SceneInsertSerializer, False, _insert),
    "update": (SceneUpdateSerializer, True, _update),
    "split": (SceneSplitSerializer, True, _split),
    "reorder": (ScenesReorderSerializer, False, _reorder),
    "remove": (None, True, _remove),
    "undo": (None, False, _undo),
    "redo": (None, False, _redo),
}


class TimelineEditView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, operation):
        if operation not in OPERATIONS:
            raise Http404("No such timeline edit.")
        serializer_class, needs_scene, perform = OPERATIONS[operation]
        movie = get_object_or_404(Movie, pk=pk, owner=request.user)
        try:
            scene = self._scene(movie) if needs_scene else None
            data = self._payload(serializer_class)
            edit = {"actor": request.user, "expected_version": expected_version(request)}
            movie = perform(movie, scene, data, edit)
        except ApplicationError as exc:
            return self._refusal(movie, exc.status_code, exc.code, exc.detail)
        except ValidationError as exc:
            return self._refusal(movie, 400, "validation_error", first_message(exc.detail))
        except Http404:
            return self._refusal(movie, 404, "not_found", "This scene no longer exists; reload the movie.")
        if not request.headers.get("HX-Request"):
            return redirect("movies:detail", movie.pk)  # a form posted without JavaScript
        context = editor_context(movie, request.user)
        context["render_panel"] = render_panel(request.user, Render.Kind.MOVIE, movie)
        return TemplateResponse(request, "movies/_edited.html", context)

    def _scene(self, movie):
        scene_id = self.request.POST.get("scene", "")
        if not scene_id.isascii() or not scene_id.isdigit():
            raise Http404
        return get_object_or_404(Scene, pk=int(scene_id), movie=movie)

    def _payload(self, serializer_class):
        if serializer_class is None:
            return {}
        serializer = serializer_class(data=self.request.POST, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _refusal(self, movie, status, code, detail):
        if not self.request.headers.get("HX-Request"):
            messages.error(self.request, detail)
            return redirect("movies:detail", movie.pk)
        context = {"movie_id": movie.pk, "code": code, "detail": detail, "stale": code == "movie_changed"}
        headers = {"HX-Retarget": "#editor-alert", "HX-Reswap": "innerHTML"}
        return TemplateResponse(
            self.request, "movies/_editor_alert.html", context, status=status, headers=headers
        )
