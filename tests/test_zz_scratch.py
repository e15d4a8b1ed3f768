from tests.staff_helpers import *  # noqa
from django.urls import reverse
from meetings.models import Meeting

def test_smoke(client, world, media_root):
    client.force_login(world.editor)
    r = client.get(reverse("staff:dashboard"))
    assert r.status_code == 200, r.content.decode()[:3000]
    r = client.get(entry_url())
    assert r.status_code == 200
    data = new_meeting_data(client, world, **{"recommendations-0-text_ar": "توصية أولى", "tags": "#مأرب #اليمن", "participants-0-new_person_name": "عبدربه حليس", "participants-0-new_person_public": "on", "participants-0-new_position_title": "مدير عام المعلومات"})
    r = client.post(entry_url(), data)
    assert r.status_code == 302, r.content.decode()
    m = Meeting.objects.get()
    print(m.tags.all(), m.participations.all(), m.recommendations.all(), m.history.count())
    r = client.get(r["Location"])
    assert r.status_code == 200
    r = client.get(entry_url(m))
    d = read_form(r)
    d["title_ar"] = "عنوان جديد"
    r = client.post(entry_url(m), d)
    assert r.status_code == 302, r.content.decode()
    r = client.get(reverse("staff:meeting_history", args=[m.pk]))
    assert r.status_code == 200
    print(r.content.decode()[-6000:])
