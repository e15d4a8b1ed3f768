"""TOTP two-factor for staff (django-otp's TOTP device), and who must use it."""

import base64
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from meetings.models.workspace import workspace_role


def has_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_required(user):
    """Whether ``user``'s workspace role is one of ``settings.TWO_FACTOR_REQUIRED_ROLES``."""
    required = settings.TWO_FACTOR_REQUIRED_ROLES
    if not required:
        return False
    return workspace_role(user) in required


def pending_device(user):
    """The device being enrolled: an unconfirmed one, made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Sanad", confirmed=False)
    return device


def secret_text(device):
    """The key in base32 groups of four, for typing it into an app by hand."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(text):
    """A QR code of ``text`` as an SVG data: URI, drawn here (no external service, no inline script or style)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")
