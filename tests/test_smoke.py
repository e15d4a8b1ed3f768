from tests import factories


def test_factories_build_a_published_meeting(db):
    meeting = factories.meeting(published=True)
    factories.recommendation(meeting)
    assert meeting.is_published
    assert meeting.recommendations.count() == 1
