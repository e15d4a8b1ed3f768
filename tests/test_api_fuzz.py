"""A schema-driven fuzzer (schemathesis) against the live API and its own OpenAPI schema:
every operation answers without a server error, and every response (status code, content
type, body, headers) is what the schema says. Run on SQLite and PostgreSQL in CI; a few
examples per operation keep it within about a minute."""

import datetime

import pytest
import schemathesis
from schemathesis import checks
from hypothesis import HealthCheck, given, settings

from tests import factories

EXAMPLES = 6


@pytest.fixture
def api_data(transactional_db):
    """A published meeting with every kind of record, a second one, and a draft beside them."""
    published = factories.full_meeting("لقاء تشاوري", date=datetime.date(2022, 11, 26), title_en="Consultation")
    factories.full_meeting("اجتماع ثان", date=datetime.date(2023, 1, 5))
    factories.full_meeting("مسودة", published=False)
    return published


def fuzz(operation):
    """Run ``EXAMPLES`` generated requests against one operation, each checked against the schema."""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        # Every check but "schema-valid data is accepted": a cursor, slug or name the schema
        # can only describe as a string may still be unknown, and the API says so with a
        # documented 400 (both languages) rather than ignoring it.
        case.call_and_validate(excluded_checks=[checks.positive_data_acceptance])

    run()


def test_the_api_answers_as_its_schema_says(live_server, api_data):
    # Loaded from the running portal (not a file): what clients get is what is fuzzed.
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 26
    for operation in operations:
        fuzz(operation)
