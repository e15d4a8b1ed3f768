from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, for sign-ins that come with a request (every login form does).

    ``authenticate()`` without a request (a management command, the test client's
    ``login()``) is not a sign-in over the web and has no client address to lock out:
    it is left to the next backend instead of being refused with an exception."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
