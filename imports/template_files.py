"""The downloadable templates: one workbook with a sheet per kind (and the instructions), or
one CSV file per kind; Arabic headers, and one example taken from the Marib consultative
meeting of 26 November 2022 (the sample the project started from)."""

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _

from meetings.models import Meeting, MeetingOrganization, Participation, Recommendation

from .columns import FOLLOW_UP, KINDS, KINDS_BY_KEY, MEETINGS, ORGANIZATIONS, PARTICIPANTS, RECOMMENDATIONS

WORKBOOK_NAME = "sanad-import.xlsx"
CSV_NAMES = {f"{kind.key}.csv": kind for kind in KINDS}
TEMPLATE_NAMES = (WORKBOOK_NAME, *CSV_NAMES)

MARIB = "مأرب-2022-11-26"


def _label(choice):
    with translation.override("ar"):
        return str(choice.label)


def example_rows():
    """One example row per kind (two for the organisations), by column key."""
    return {
        MEETINGS: [
            {
                "meeting_ref": MARIB,
                "title": "اللقاء التشاوري الموسع بين الجهات الأمنية ومنظمات المجتمع المدني والمدافعين عن حقوق الإنسان في مأرب",
                "title_en": "Consultative meeting of the security services, civil society and human-rights defenders in Marib",
                "date": "2022-11-26",
                "kind": _label(Meeting.Kind.CONSULTATIVE),
                "governorate": "مأرب",
                "city": "مدينة مأرب",
                "summary": "لقاء تشاوري لبحث سبل تذليل الصعوبات والتحديات التي تواجه عمل المنظمات والمدافعين عن حقوق الإنسان في الميدان.",
                "source_url": "https://example.org/marib-2022-11-26",
            }
        ],
        ORGANIZATIONS: [
            {"meeting_ref": MARIB, "organization": "منظمة مساءلة لحقوق الإنسان", "role": _label(MeetingOrganization.Role.ORGANISER)},
            {
                "meeting_ref": MARIB,
                "organization": "المنظمة الوطنية للإعلاميين اليمنيين (صدى)",
                "role": _label(MeetingOrganization.Role.CO_ORGANISER),
            },
        ],
        PARTICIPANTS: [
            {
                "meeting_ref": MARIB,
                "name": "عبدربه حليس",
                "post": "مدير عام المعلومات والإحصاء",
                "organization": "ديوان عام محافظة مأرب",
                "role": _label(Participation.Role.SPEAKER),
                "visibility": "علني",
                "statement": "أكد على أهمية تعزيز آلية التنسيق والتعاون بين السلطة المحلية ومنظمات المجتمع المدني.",
            }
        ],
        RECOMMENDATIONS: [
            {
                "meeting_ref": MARIB,
                "number": "1",
                "text": "تعزيز العلاقة والتنسيق بين السلطة المحلية والأمنية ومنظمات المجتمع المدني الحقوقية.",
                "kind": _label(Recommendation.Kind.RECOMMENDATION),
                "priority": _label(Recommendation.Priority.HIGH),
                "addressees": "شرطة محافظة مأرب؛ منظمة مساءلة لحقوق الإنسان",
            }
        ],
        FOLLOW_UP: [
            {
                "meeting_ref": MARIB,
                "number": "1",
                "date": "2023-03-01",
                "status": _label(Recommendation.Status.IN_PROGRESS),
                "progress": "40",
                "note": "عقد اجتماع تنسيقي أول بين الشرطة والمنظمات.",
            }
        ],
    }


def csv_template(kind):
    """A CSV template (UTF-8 with a byte-order mark, so that Excel shows the Arabic)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.ar for column in kind.columns])
    for example in example_rows()[kind]:
        writer.writerow([example.get(column.key, "") for column in kind.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def instructions():
    """The lines of the instructions sheet (in the active language)."""
    lines = [
        _("Sanad import template. Fill one sheet per kind; delete the example rows."),
        _("The column «مرجع الاجتماع» (meeting_ref) links every row to its meeting in the meetings sheet: "
          "any short text unique within your organisation, e.g. «مأرب-2022-11-26»."),
        _("Importing the same file again creates nothing new: a meeting reference already imported is skipped."),
        _("Imported meetings are drafts for review; new organisations await a reviewer's confirmation; "
          "follow-up updates await review. People are protected unless «الظهور» says «علني»."),
        _("Dates as YYYY-MM-DD. Several organisations in one cell are separated by «؛»."),
        _("English headers are accepted too:"),
    ]
    for kind in KINDS:
        lines.append(f"{kind.ar} ({kind.en}): " + ", ".join(f"{column.ar} = {column.en}" for column in kind.columns))
    return lines


def workbook_template():
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "تعليمات"
    sheet.sheet_view.rightToLeft = True
    for line in instructions():
        sheet.append([line])
    sheet.column_dimensions["A"].width = 120
    examples = example_rows()
    for kind in KINDS:
        sheet = workbook.create_sheet(kind.ar)
        sheet.sheet_view.rightToLeft = True
        sheet.append([column.ar for column in kind.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for example in examples[kind]:
            sheet.append([example.get(column.key, "") for column in kind.columns])
        for index, column in enumerate(kind.columns):
            sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = max(14, len(column.ar) + 4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_file(name):
    """``(content, content type)`` of the template called ``name``, or None."""
    if name == WORKBOOK_NAME:
        return workbook_template(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    kind = CSV_NAMES.get(name)
    if kind is None:
        return None
    return csv_template(KINDS_BY_KEY[kind.key]), "text/csv; charset=utf-8"
