"""The client's address for django-axes: the one helper the whole site uses (sanad/clientip.py)."""

from sanad.clientip import client_ip


def client_address(request):
    return client_ip(request) or None
