#!/usr/bin/env python
"""Import benchmark: a workbook of 1,000 meetings × 10 recommendations through the import.

    .venv/bin/python scripts/bench_import.py                       # SQLite, a temporary database
    DATABASE_URL=postgres://…/sanad_x .venv/bin/python scripts/bench_import.py   # PostgreSQL

Not a test: it prints the figures of docs/import.md. The workbook (built in memory) has
``--meetings`` meetings, each with ``--recommendations`` recommendations addressed to two
organisations of a pool of 60, three organisations (the importer, one of the pool, one
new) and five participants (a pool of 500 people, half public). It is read, planned (the
preview) and written (the confirmation) in one transaction, then planned again (the
preview of the same file: everything skipped), and the transaction is rolled back: the
database is left as it was. Times are wall-clock and this process's CPU time (the wall
clock of a shared machine counts other people's work too); queries are counted with
Django's CaptureQueriesContext.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def workbook(meetings, recommendations, organization_name):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("الاجتماعات")
    sheet.append(["مرجع الاجتماع", "العنوان", "التاريخ", "المحافظة", "الملخص"])
    for n in range(meetings):
        sheet.append([f"B-{n}", f"لقاء تشاوري حول تعزيز السلم المجتمعي رقم {n}", f"2022-{n % 12 + 1:02d}-{n % 28 + 1:02d}", "مأرب",
                      "لقاء بين الجهات الأمنية ومنظمات المجتمع المدني والمدافعين عن حقوق الإنسان."])
    sheet = book.create_sheet("الجهات")
    sheet.append(["مرجع الاجتماع", "الجهة", "الدور"])
    for n in range(meetings):
        sheet.append([f"B-{n}", organization_name, "منظم"])
        sheet.append([f"B-{n}", f"جمعية التنمية المحلية {n % 60}", "شريك"])
        sheet.append([f"B-{n}", f"مبادرة شبابية جديدة {n}", "مشارك"])
    sheet = book.create_sheet("المشاركون")
    sheet.append(["مرجع الاجتماع", "الاسم", "المنصب", "الجهة", "الظهور", "ما قاله"])
    for n in range(meetings):
        for p in range(5):
            person = (n * 5 + p) % 500
            sheet.append([f"B-{n}", f"المشارك رقم {person}", f"مدير إدارة {person % 40}", f"جمعية التنمية المحلية {person % 60}",
                          "علني" if person % 2 else "محمي", "أكد على أهمية التنسيق."])
    sheet = book.create_sheet("التوصيات")
    sheet.append(["مرجع الاجتماع", "رقم التوصية", "النص", "الجهات المعنية"])
    for n in range(meetings):
        for r in range(1, recommendations + 1):
            sheet.append([f"B-{n}", r, f"تعزيز التنسيق بين السلطة المحلية ومنظمات المجتمع المدني، البند {r}",
                          f"جمعية التنمية المحلية {(n + r) % 60}؛ جمعية التنمية المحلية {(n + 2 * r) % 60}"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--recommendations", type=int, default=10)
    args = parser.parse_args()

    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = tempfile.mkdtemp()
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary}/bench.sqlite3"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanad.settings")
    os.environ["IMPORT_MAX_ROWS"] = "100000"
    os.environ["IMPORT_MAX_MB"] = "50"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from imports.planning import plan_import
    from imports.reading import read_files
    from imports.writing import records_import
    from meetings.models import Membership, Organization
    from django.contrib.auth import get_user_model

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    with transaction.atomic():
        organization = Organization.objects.create(name_ar="منظمة مساءلة لحقوق الإنسان", slug="bench-import-org")
        user = get_user_model().objects.create(username="bench-import-editor")
        Membership.objects.create(user=user, organization=organization, role=Membership.Role.EDITOR)
        content = workbook(args.meetings, args.recommendations, organization.name_ar)
        print(f"workbook: {len(content) / 1e6:.2f} MB")

        def measure(label, function):
            with CaptureQueriesContext(connection) as queries:
                start, cpu = time.perf_counter(), time.process_time()
                value = function()
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            print(f"{label:<34} {elapsed:7.2f} s wall {cpu:7.2f} s CPU (this process) {len(queries.captured_queries):6d} queries")
            return value

        sheets, _digest = measure("read (openpyxl)", lambda: read_files([("bench.xlsx", content)]))
        rows = sum(len(sheet["rows"]) for sheet in sheets)
        print(f"rows: {rows}")
        plan = measure("preview (plan)", lambda: plan_import(sheets=sheets, organization=organization, user=user))
        assert not plan.has_errors, plan.errors()[:5]
        print("counts:", plan.counts())
        from django.template.loader import render_to_string
        from imports.models import ImportUpload

        upload = ImportUpload(user=user, organization=organization, file_name="bench.xlsx")
        context = {"upload": upload, "organization": organization, "plan": plan, "counts": plan.counts()}
        from django.test import RequestFactory

        request = RequestFactory().get("/staff/")
        request.user = user
        page = measure("render the preview page", lambda: render_to_string("imports/preview.html", context, request))
        print(f"preview page: {len(page) / 1e6:.1f} MB of HTML")
        measure("confirm (write)", lambda: records_import(plan=plan))
        again = measure("preview of the same file again", lambda: plan_import(sheets=sheets, organization=organization, user=user))
        assert again.counts()["meetings"] == 0 and again.counts()["skipped_meetings"] == args.meetings
        transaction.set_rollback(True)
    if temporary:
        import shutil

        shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
