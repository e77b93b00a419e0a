"""A frame policy for the site's own pages: they frame nothing but this site's pages.

A sandboxed preview frame cannot touch its parent, but it can still navigate itself,
and no policy inside it can stop that (Chromium implements no navigate-to). The
embedding page's frame-src governs every navigation of its frames, whoever starts it,
so clip code that points its frame elsewhere gets a blocked frame, and no request
leaves the browser. Responses that bring their own policy (the embed page) keep it.
"""

FRAME_POLICY = "frame-src 'self'"


class FramePolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response and response.get("Content-Type", "").startswith("text/html"):
            response["Content-Security-Policy"] = FRAME_POLICY
        return response
