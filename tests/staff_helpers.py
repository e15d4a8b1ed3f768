"""Shared pieces of the staff-workspace tests: a small world of organisations and
their staff, a form reader that submits what a browser would, and test files."""

import struct
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from meetings.models import MeetingOrganization, Membership
from tests import factories

Role = Membership.Role
PASSWORD = "pass-Sanad-2022"


def arabic(msgid, *, html=False):
    """``msgid`` as the Arabic catalogue renders it (HTML-escaped for searching a page if ``html``)."""
    with translation.override("ar"):
        text = translation.gettext(msgid)
    return escape(text) if html else text


@pytest.fixture
def fast_passwords(settings):
    """Hashing a dozen passwords per test with PBKDF2 would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads go to a temporary directory, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class World:
    """Two organisations, each with an editor, a reviewer and an administrator; a superuser; a user of no organisation."""

    org: object
    other_org: object
    editor: object
    reviewer: object
    other_editor: object
    other_reviewer: object
    administrator: object
    other_administrator: object
    superuser: object
    nobody: object

    def meeting(self, *, organization=None, role=MeetingOrganization.Role.ORGANISER, **fields):
        """A meeting organised by ``organization`` (our organisation by default)."""
        meeting = factories.meeting(**fields)
        factories.involvement(meeting, organization or self.org, role=role)
        return meeting

    def other_meeting(self, **fields):
        return self.meeting(organization=self.other_org, **fields)


def make_world():
    org = factories.organization("منظمة مساءلة لحقوق الإنسان", name_en="Musa'ala")
    other_org = factories.organization("منظمة أخرى", name_en="Another organisation")
    return World(
        org=org,
        other_org=other_org,
        editor=factories.staff(Role.EDITOR, org, username="editor"),
        reviewer=factories.staff(Role.REVIEWER, org, username="reviewer"),
        other_editor=factories.staff(Role.EDITOR, other_org, username="other_editor"),
        other_reviewer=factories.staff(Role.REVIEWER, other_org, username="other_reviewer"),
        administrator=factories.staff(Role.ADMINISTRATOR, org, username="administrator"),
        other_administrator=factories.staff(Role.ADMINISTRATOR, other_org, username="other_administrator"),
        superuser=factories.user("root", is_superuser=True, is_staff=True),
        nobody=factories.user("nobody"),
    )


@pytest.fixture
def world(db):
    return make_world()


# --- Reading a form as a browser would submit it ----------------------------------


class _FormReader(HTMLParser):
    """Collects the successful controls of the form whose ``class`` contains ``css_class``
    (or the first form), skipping <template> content, disabled controls and buttons."""

    def __init__(self, css_class=None):
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.in_form = False
        self.done = False
        self.template_depth = 0
        self.fields = []  # (name, value)
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.template_depth += 1
        if self.done or self.template_depth:
            return
        if tag == "form" and not self.in_form:
            if self.css_class is None or self.css_class in (attrs.get("class") or "").split():
                self.in_form = True
            return
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
                return
            self.fields.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "chosen": [], "first": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth -= 1
            return
        if self.template_depth or self.done:
            return
        if tag == "textarea" and self._textarea is not None:
            value = self._textarea[1]
            self.fields.append((self._textarea[0], value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select = self._select
            if select["chosen"]:
                self.fields.extend((select["name"], value) for value in select["chosen"])
            elif not select["multiple"] and select["first"] is not None:
                self.fields.append((select["name"], select["first"]))
            self._select = None
        elif tag == "form" and self.in_form:
            self.in_form = False
            self.done = True


def read_form(response, css_class="entry"):
    """``{name: value or [values]}``: what submitting the form unchanged would send."""
    reader = _FormReader(css_class)
    reader.feed(response.content.decode())
    data = {}
    for name, value in reader.fields:
        if name in data:
            data[name] = data[name] if isinstance(data[name], list) else [data[name]]
            data[name].append(value)
        else:
            data[name] = value
    return data


def big_meeting(world, size):
    """A meeting of our organisation (with a partner) with ``size`` participants — each a person
    with a post and an organisation — and ``size`` recommendations, each with a theme and two
    addressees: the staff form at real size (tests/test_staff_form_size.py, scripts/bench_staff_form.py)."""
    from meetings.models import Participation, Recommendation

    meeting = world.meeting(title_ar=f"لقاء تشاوري بحجم {size}")
    factories.involvement(meeting, factories.organization(), role=MeetingOrganization.Role.PARTNER)
    theme = factories.theme()
    addressees = [factories.organization() for _ in range(3)]
    for i in range(size):
        organization = factories.organization()
        person = factories.person(public=i % 2 == 0)
        position = factories.position(person, organization=organization)
        Participation.objects.create(
            meeting=meeting,
            person=person,
            position=position,
            organization=organization,
            statement_ar=f"مداخلة المشارك رقم {i} حول تعزيز التنسيق.",
            order=i,
        )
    for i in range(size):
        item = Recommendation.objects.create(
            meeting=meeting, text_ar=f"توصية رقم {i} بتعزيز التنسيق بين الجهات.", theme=theme, order=i + 1
        )
        item.addressees.add(addressees[i % 3], addressees[(i + 1) % 3])
    return meeting


def entry_url(meeting=None):
    return reverse("staff:meeting_edit", args=[meeting.pk]) if meeting else reverse("staff:meeting_create")


def new_meeting_data(client, world, **fields):
    """The new-meeting form filled with a minimal valid meeting organised by our organisation."""
    data = read_form(client.get(entry_url()))
    data.update(
        {
            "title_ar": "لقاء تشاوري في مأرب",
            "date": "2022-11-26",
            "organizations-0-organization": str(world.org.pk),
            "organizations-0-role": MeetingOrganization.Role.ORGANISER,
        }
    )
    data.update(fields)
    return data


# --- Files whose content is what they claim (or not) ------------------------------


def pdf_bytes():
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")
    )


def _pillow_image(fmt, size=(4, 3), **options):
    """A small real image (uploaded images are decoded and encoded again, so they must be real)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt, **options)
    return out.getvalue()


def jpeg_bytes(**options):
    return _pillow_image("JPEG", **options)


def webp_bytes(**options):
    return _pillow_image("WEBP", **options)
