"""Printable PDFs (meetings/printing.py): their text read back in logical order, public data only."""

import io
import re
import threading
import unicodedata

import pytest
from django.urls import reverse
from django.utils import translation
from fpdf.enums import TextDirection
from pypdf import PdfReader

from meetings.models import Recommendation
from meetings import printing
from meetings.printing import BODY, LINE, NUMBERS_IN_RTL, ONE_DIRECTION, SMALL, TITLE, Document, strong_direction

from . import factories
from .portal import PortalClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return PortalClient()


def text_of(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Shaped Arabic is stored as presentation forms: NFKC gives the letters back.
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def words_in_order(text, phrase):
    """Whether the words of ``phrase`` appear in ``text`` in their logical order."""
    position = 0
    for word in phrase.split():
        found = text.find(word, position)
        if found < 0:
            return False
        position = found + len(word)
    return True


def numbered_name_in(text, name):
    """The factory's names end in a number: a run of digits inside Arabic text may be extracted
    before or after its words, so the words and the number are checked apart."""
    words, number = name.rsplit(" ", 1)
    return words_in_order(text, words) and number in text


@pytest.fixture
def meeting():
    meeting = factories.full_meeting("اللقاء التشاوري لمناقشة الوضع الأمني في مأرب")
    recommendation = meeting.recommendations.get()
    recommendation.text_ar = "تعزيز التنسيق بين السلطة المحلية ومنظمات المجتمع المدني"
    recommendation.text_en = "Strengthen coordination between the local authority and civil society"
    recommendation.save()
    meeting.title_en = "Consultative meeting on security in Marib"
    meeting.save()
    return meeting


def test_the_arabic_minutes_read_in_logical_order(client, meeting):
    text = text_of(client.get(reverse("meetings:meeting_pdf", kwargs={"pk": meeting.pk})))
    assert words_in_order(text, "اللقاء التشاوري لمناقشة الوضع الأمني في مأرب")
    assert words_in_order(text, "تعزيز التنسيق بين السلطة المحلية ومنظمات المجتمع المدني")
    assert words_in_order(text, "قيد التنفيذ") or str(Recommendation.Status.IN_PROGRESS.label) in text
    # Gregorian and Hijri dates (26 November 2022 = 2 Jumada al-Ula 1444).
    assert "نوفمبر" in text and "2022" in text and "1444" in text and "جمادى" in text
    # Organisations, and the public official by name.
    for involvement in meeting.involvements.all():
        assert numbered_name_in(text, involvement.organization.name_ar)
    public, protected = [p.person for p in meeting.participations.select_related("person")]
    assert public.is_public and not protected.is_public
    assert numbered_name_in(text, public.name_ar)


def test_the_english_minutes(client, meeting):
    text = text_of(client.get("/en" + reverse("meetings:meeting_pdf", kwargs={"pk": meeting.pk})))
    assert "Consultative meeting on security in Marib" in text
    assert "Strengthen coordination between the local authority and civil society" in text
    assert "November 2022" in text and "1444" in text
    assert "In progress" in text


def test_a_protected_person_is_never_in_the_pdf(client, meeting):
    hidden = factories.person("ناشطة محمية الاسم")
    factories.participation(meeting, position_obj=factories.position(hidden, "منسقة الرصد"), statement_ar="شهادة.")
    for prefix in ("", "/en"):
        text = text_of(client.get(prefix + reverse("meetings:meeting_pdf", kwargs={"pk": meeting.pk})))
        assert "منسقة" in text and "الرصد" in text  # her post is public
        assert "محمية" not in text and "ناشطة" not in text


def qr_modules(content):
    """The dark modules of the QR code drawn in a PDF, read back from its squares: ``{(row,
    column)}``, and the number of modules a side, found from the finder patterns (7 modules)."""
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(content))
    squares = []
    for page in reader.pages:
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"re":
                squares.append([float(number) for number in operands])
    assert squares, "no QR code drawn"
    left = min(x for x, y, w, h in squares)
    top = max(y + h for x, y, w, h in squares)
    unit = squares[0][3]  # every square is a module high
    modules = set()
    for x, y, w, h in squares:
        row, column = round((top - y - h) / unit), round((x - left) / unit)
        modules |= {(row, column + i) for i in range(round(w / unit))}
    return modules, round((max(x + w for x, y, w, h in squares) - left) / unit)


def test_the_qr_code_is_drawn_and_holds_the_page_address(client, meeting):
    import qrcode

    response = client.get(reverse("meetings:meeting_pdf", kwargs={"pk": meeting.pk}))
    address = f"http://testserver/meetings/{meeting.pk}/"
    assert address in text_of(response)
    modules, side = qr_modules(response.content)
    code = qrcode.QRCode(border=0)
    code.add_data(address)
    code.make(fit=True)
    expected = {(row, column) for row, line in enumerate(code.get_matrix()) for column, dark in enumerate(line) if dark}
    assert side == len(code.get_matrix()) and modules == expected
    # Not the code of another address.
    other = qrcode.QRCode(border=0)
    other.add_data(f"http://testserver/meetings/{meeting.pk + 1}/")
    other.make(fit=True)
    assert modules != {(r, c) for r, line in enumerate(other.get_matrix()) for c, dark in enumerate(line) if dark}


def test_a_draft_has_no_pdf(client):
    draft = factories.full_meeting("مسودة سرية", published=False)
    assert client.get(reverse("meetings:meeting_pdf", kwargs={"pk": draft.pk})).status_code == 404
    assert client.get("/en" + reverse("meetings:meeting_pdf", kwargs={"pk": draft.pk})).status_code == 404


def test_the_project_report(client, meeting):
    project = meeting.project
    url = reverse("meetings:project_pdf", kwargs={"slug": project.slug})
    text = text_of(client.get(url))
    assert words_in_order(text, project.name_ar) and words_in_order(text, "اللقاء التشاوري لمناقشة الوضع الأمني")
    english = text_of(client.get("/en" + url))
    assert "Recommendations and their follow-up" in english and "Published meetings: 1" in english
    assert "In progress: 1 (100%)" in english


def test_a_project_without_published_meetings_has_no_report(client):
    project = factories.full_meeting("مسودة", published=False).project
    assert client.get(reverse("meetings:project_pdf", kwargs={"slug": project.slug})).status_code == 404


def test_the_pages_link_their_pdfs(client, meeting):
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("meetings:meeting_pdf", kwargs={"pk": meeting.pk}) in page
    page = client.get(meeting.project.get_absolute_url()).content.decode()
    assert reverse("meetings:project_pdf", kwargs={"slug": meeting.project.slug}) in page


LONG_MINUTES = (
    "وفي بداية اللقاء أكد مدير عام مكتب حقوق الإنسان في المحافظة أهمية الشراكة بين الجهات الأمنية "
    "ومنظمات المجتمع المدني، واستعرض ممثلو منظمة UNDP وبرنامج الأمم المتحدة الإنمائي نتائج "
    "الرصد خلال عام 2022 في 14 مديرية، وطالب المشاركون بتسهيل عمل المدافعين عن حقوق الإنسان "
    "وحمايتهم، وبفتح قنوات تواصل دائمة بين المنظمات والسلطة المحلية لمتابعة التوصيات."
)
LONG_ENGLISH = (
    "At the opening, the director of the human rights office stressed the partnership between the "
    "security agencies and civil society; the UNDP team (برنامج الأمم المتحدة الإنمائي) presented the "
    "monitoring results for 2022 in 14 districts, and the participants asked for defenders to be protected."
)


@pytest.mark.parametrize("language, text", [("ar", LONG_MINUTES), ("en", LONG_ENGLISH)])
def test_lines_fill_the_width_without_passing_it_or_losing_a_word(language, text):
    with translation.override(language):
        pdf = Document("x")
    pdf.set_font(pdf.main, "", BODY)
    width = pdf.epw - 2 * pdf.c_margin
    lines = pdf.lines(text, width)
    assert len(lines) >= 3
    assert " ".join(lines).split() == text.split()
    for line, following in zip(lines, lines[1:]):
        # Each line fits, measured whole (shaped as it is drawn), and could not take the next word.
        assert pdf.get_string_width(line) <= width
        assert pdf.get_string_width(f"{line} {following.split()[0]}") > width
    # fpdf2's own breaking measures each character alone, which is wider than joined Arabic:
    # never fewer lines than ours.
    assert len(pdf.multi_cell(0, LINE, text, dry_run=True, output="LINES")) >= len(lines)


def test_newlines_break_lines_as_multi_cell_does():
    with translation.override("ar"):
        pdf = Document("x")
    pdf.set_font(pdf.main, "", BODY)
    for text in ("أولاً\n\nثانياً\n", "سطر\nآخر", "\nبعد سطر فارغ", "فقرة\n\n\n"):
        assert pdf.lines(text, pdf.epw - 2 * pdf.c_margin) == pdf.multi_cell(
            0, LINE, text, dry_run=True, output="LINES"
        ), text


def test_a_word_wider_than_the_line_is_cut_where_the_line_ends(client, meeting):
    link = "https://example.org/" + "%D9%85" * 60
    with translation.override("ar"):
        pdf = Document("x")
    pdf.set_font(pdf.main, "", BODY)
    width = pdf.epw - 2 * pdf.c_margin
    lines = pdf.lines(f"المصدر: {link} انتهى", width)
    # multi_cell's way: the word starts a line of its own, fills it, and the text goes on after it.
    assert lines[0] == "المصدر:" and lines[-1].endswith(" انتهى") and len(lines) >= 3
    assert "".join(lines[1:]).removesuffix(" انتهى") == link
    for line, following in zip(lines[1:-1], lines[2:]):
        assert pdf.get_string_width(line) <= width < pdf.get_string_width(line + following[0])
    meeting.minutes_ar = f"{LONG_MINUTES}\n\nالمصدر: {link}"
    meeting.save()
    text = text_of(client.get(reverse("meetings:meeting_pdf", kwargs={"pk": meeting.pk})))
    assert "https://example.org/%D9%85" in text and words_in_order(text, "المصدر")


def test_long_minutes_read_in_logical_order_across_their_lines(client, meeting):
    # Arabic alone: a run of Latin letters or digits inside an Arabic line is placed by the
    # text extractor at either end of its line, whoever broke the lines.
    arabic_only = " ".join(word for word in LONG_MINUTES.split() if not word.isascii())
    meeting.minutes_ar = arabic_only
    meeting.minutes_en = LONG_ENGLISH
    meeting.save()
    url = reverse("meetings:meeting_pdf", kwargs={"pk": meeting.pk})
    assert words_in_order(text_of(client.get(url)), arabic_only)
    english = text_of(client.get("/en" + url))
    assert words_in_order(english, " ".join(word for word in LONG_ENGLISH.split() if word.isascii()))


def fonts_of(content):
    """``{base font name: the embedded TrueType program}`` of every font in a PDF."""
    reader = PdfReader(io.BytesIO(content))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"]).split("+", 1)[1]] = descriptor["/FontFile2"].get_object().get_data()
    return fonts


ARABIC_ONLY = " ".join(word for word in LONG_MINUTES.split() if not word.isascii())


def test_a_font_no_page_uses_is_left_out():
    with translation.override("ar"):
        pdf = Document("x")
        pdf.text_block(ARABIC_ONLY, bold=True)
        pdf.text_block(ARABIC_ONLY)
        pdf.qr("https://example.org/meetings/1/")  # its address is set in the Latin font
        # Not the bold Latin font, which only stood by in case.
        assert set(fonts_of(pdf.bytes())) == {"NotoNaskhArabic", "NotoNaskhArabicBold", "LiberationSans"}
        pdf = Document("x")
        pdf.text_block(LONG_MINUTES, bold=True)  # "UNDP" and the numbers, in bold
        assert "LiberationSansBold" in fonts_of(pdf.bytes())


@pytest.mark.parametrize(
    "language, text, fonts, lighter",
    [
        ("ar", LONG_MINUTES, {"NotoNaskhArabic", "NotoNaskhArabicBold", "LiberationSansBold"}, True),
        ("en", LONG_ENGLISH, {"LiberationSans", "LiberationSansBold", "NotoNaskhArabic"}, True),
        # Greek and Cyrillic are not in the lighter copy of the Latin font, nor the letters of
        # the Arabic Supplement (of African and Pakistani languages) in the Arabic one's: cut
        # from the whole.
        ("en", "Ελληνικά και русский язык, in a record of the meeting.", {"LiberationSans", "LiberationSansBold"}, False),
        ("ar", "كُتب الاسم بحرف ݐ من الملحق العربي في محضر مأرب.", {"NotoNaskhArabic", "NotoNaskhArabicBold"}, False),
    ],
)
def test_the_embedded_glyphs_are_those_fpdf2_embeds_itself(language, text, fonts, lighter):
    """The fonts are cut from copies without layout tables, kerning and glyph names (given by
    order instead), and the Latin ones from a lighter copy when it has every glyph: the glyphs
    embedded must be the very outlines and widths of those fpdf2 embeds from the font files."""
    from fontTools import ttLib
    from fpdf import FPDF

    from meetings.printing import FONT_FILES, FONTS, SMALL
    from meetings.templatetags.sanad import site_name

    with translation.override(language):
        ours = Document("x")
        ours.text_block(text)
        ours.text_block(text, bold=True)
        ours_fonts = fonts_of(ours.bytes())
        family, footer = ours.main, f"{site_name()} — 1/1"
    # The bold fonts a page used: from a lighter copy, or from the whole font (Liberation Sans
    # Bold's 2,620 glyphs, Noto Naskh Arabic Bold's 1,568).
    cut = {family: len(ours.copy_to_cut(ours.fonts[family])[1]) for family in ("sansB", "naskhB") if family in ours.fonts}
    assert cut and all((glyphs < 1000) if lighter else glyphs in (2620, 1568) for glyphs in cut.values()), cut
    plain = FPDF()
    for font_family, style, filename in FONT_FILES:
        plain.add_font(font_family, style, FONTS / filename)
    plain.set_fallback_fonts(["sans" if family == "naskh" else "naskh"], exact_match=False)
    plain.set_text_shaping(True)
    plain.add_page()
    for style in ("", "B"):
        plain.set_font(family, style, BODY)
        plain.multi_cell(0, LINE, text, new_x="LMARGIN", new_y="NEXT")
    plain.set_font(family, "", SMALL - 1)
    plain.cell(0, 5, footer)
    plain_fonts = fonts_of(bytes(plain.output()))
    for name in fonts:
        a, b = (ttLib.TTFont(io.BytesIO(embedded[name])) for embedded in (ours_fonts, plain_fonts))
        assert a.getGlyphOrder() == b.getGlyphOrder() and len(a.getGlyphOrder()) > 6, name
        assert a["hmtx"].metrics == b["hmtx"].metrics
        for glyph in a.getGlyphOrder():
            assert a["glyf"][glyph].compile(a["glyf"]) == b["glyf"][glyph].compile(b["glyf"]), (name, glyph)



def plain(value, reader):
    """A PDF object as Python values, references by number (the two files number theirs alike)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if isinstance(value, IndirectObject):
        return ("ref", value.idnum)
    if isinstance(value, DictionaryObject):
        return {key: plain(item, reader) for key, item in value.items()}
    if isinstance(value, ArrayObject):
        return [plain(item, reader) for item in value]
    return value


def objects_of(content):
    """``{number: (the object's dictionary or value, a stream's data)}`` of every object in a PDF."""
    from pypdf.generic import StreamObject

    reader = PdfReader(io.BytesIO(content))
    objects = {}
    for number in range(1, reader.trailer["/Size"]):
        found = reader.get_object(number)
        objects[number] = (plain(found, reader), found.get_data() if isinstance(found, StreamObject) else None)
    return objects


@pytest.mark.parametrize("language, text", [("ar", LONG_MINUTES), ("en", LONG_ENGLISH)])
def test_the_file_is_fpdf2s_own_but_for_how_the_fonts_are_cut(language, text):
    """``Producer`` cuts the fonts with HarfBuzz instead of fontTools: every object of the file
    must be the one fpdf2 writes, the glyph codes' map to the programs included, and each font
    program must hold the same glyphs, in the same order, with the same outlines and widths."""
    from datetime import datetime, timezone

    from fontTools import ttLib
    from fpdf.output import OutputProducer

    def both():
        files = []
        with translation.override(language):
            # fpdf2's own writer cuts the thread's parsed fonts in place: it goes last, in a
            # thread of its own.
            for producer in (printing.Producer, OutputProducer):
                pdf = Document("x")
                pdf.set_creation_date(datetime(2026, 12, 6, tzinfo=timezone.utc))
                pdf.text_block(text)
                pdf.text_block(text, bold=True)
                pdf.qr("https://example.org/meetings/1/")
                files.append(pdf.bytes(producer))
        return files

    ours, fpdf2s = map(objects_of, in_a_new_thread(both))
    assert ours.keys() == fpdf2s.keys()
    programs = hinted = 0
    for number, (value, data) in ours.items():
        other_value, other_data = fpdf2s[number]
        if isinstance(value, dict) and "/Length1" in value:  # a font's program
            a, b = (ttLib.TTFont(io.BytesIO(program)) for program in (data, other_data))
            assert a.getGlyphOrder() == b.getGlyphOrder() and len(a.getGlyphOrder()) > 6
            assert a["hmtx"].metrics == b["hmtx"].metrics
            for glyph in a.getGlyphOrder():
                assert a["glyf"][glyph].compile(a["glyf"]) == b["glyf"][glyph].compile(b["glyf"]), glyph
            for table in ("fpgm", "prep", "cvt "):  # the hinting, where the font has it
                assert (table in a) == (table in b)
                if table in a:
                    hinted += 1
                    assert a[table].compile(a) == b[table].compile(b)
            programs += 1
            continue
        if isinstance(value, dict):
            value, other_value = ({key: item for key, item in v.items() if key != "/Length"} for v in (value, other_value))
        assert (value, data) == (other_value, other_data), number
    assert programs >= 3 and hinted  # both scripts in both weights; Liberation Sans is hinted

def test_every_page_is_numbered_out_of_the_whole(client, meeting):
    meeting.minutes_ar = "\n\n".join([ARABIC_ONLY] * 14)
    meeting.save()
    response = client.get(reverse("meetings:meeting_pdf", kwargs={"pk": meeting.pk}))
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"{number}/{len(pages)}" in page.extract_text()


def test_a_paragraph_in_the_other_script_is_set_in_its_own_font():
    with translation.override("en"):
        pdf = Document("x")
    start = len(pdf.pages[1].contents)
    pdf.text_block(ARABIC_ONLY)
    assert pdf.font_family == "naskh"
    # One font for the whole paragraph: not a switch to the fallback for each word and back
    # to the English font for each space.
    assert bytes(pdf.pages[1].contents[start:]).count(b" Tf") <= 2
    pdf.text_block(LONG_ENGLISH)
    assert pdf.font_family == "sans"


@pytest.mark.parametrize(
    ("language", "paragraph", "word"),
    [("en", "بدعم من منظمة سيفيرورلد Saferworld ويهدف لتعزيز التعاون", "Saferworld"),
     ("ar", "With support from Saferworld and the Marib police (شرطة مأرب) since 2022", "مأرب")],
)
def test_a_word_in_the_documents_script_within_a_paragraph_in_the_other_is_drawn(language, paragraph, word):
    """A paragraph in the other script is set in that script's font; a word in the document's
    own script within it needs the document's font as fallback, or its glyphs are missing and
    it is left out: "Saferworld" was a blank in the English minutes of the Marib meeting."""
    with translation.override(language):
        pdf = Document("x")
        pdf.text_block(paragraph)
        text = PdfReader(io.BytesIO(pdf.bytes())).pages[0].extract_text()
    assert word in text or word[::-1] in text, text


def test_latin_lines_are_those_of_multi_cell_kerning_included():
    """Latin letters have no joined forms to tell the two apart: the lines must be those of
    fpdf2's own breaking, even where the font kerns a space with its neighbours."""
    from meetings.demo import MARIB_MINUTES_EN

    recommendation = (
        "A coordination mechanism to facilitate the work and strengthen cooperation between the two sides, "
        "making it easier for journalists and media professionals to work in the governorate."
    )
    with translation.override("en"):
        pdf = Document("x")
    for text in (MARIB_MINUTES_EN, recommendation, LONG_ENGLISH):
        for style in ("", "B"):
            pdf.set_font("sans", style, BODY)
            lines = pdf.lines(text, pdf.epw - 2 * pdf.c_margin)
            assert lines == pdf.multi_cell(0, LINE, text, dry_run=True, output="LINES"), (style, text[:40])


def test_harakat_are_shaped_with_their_letters():
    """fpdf2 starts a fragment at each change of script and counts combining marks as a script
    of their own: "منفَّذة" was shaped in three pieces, its feh in the final form rather than
    joined to the dhal, and the shadda apart from the feh. The document must draw the glyphs
    HarfBuzz gives the whole word."""
    import uharfbuzz as hb

    def glyphs(font, *pieces):
        names = set()
        for piece in pieces:
            buffer = hb.Buffer()
            buffer.add_str(piece)
            buffer.guess_segment_properties()
            hb.shape(font.hbfont, buffer, {})
            names |= {font.ttfont.getGlyphName(info.codepoint) for info in buffer.glyph_infos}
        return names

    with translation.override("ar"):
        pdf = Document("x")
        pdf.text_block("توصيات منفَّذة جزئيًا")
    font = pdf.fonts["naskh"]
    whole = glyphs(font, "توصيات", " ", "منفَّذة", "جزئيًا")
    apart = glyphs(font, "منف", "\u064e\u0651", "ذة", "جزئي", "\u064b", "ا")
    used = set(font.subset.get_all_glyph_names())
    assert whole <= used
    assert apart - whole and not (apart - whole) & used


def test_a_line_in_one_direction_skips_the_bidirectional_pass_with_the_same_runs():
    """A line with nothing of the other direction (and, in Arabic, no number) is one run in its
    paragraph's direction without the algorithm's pass: the runs, their text, direction and
    font must be exactly those the whole algorithm finds, for every line of real minutes."""
    from fpdf import FPDF

    from meetings.demo import MARIB_MINUTES_AR, MARIB_MINUTES_EN

    texts = {
        "ar": [
            MARIB_MINUTES_AR,
            LONG_MINUTES,
            "توصيات منفَّذة جزئيًا: «التنسيق»، والمتابعة؛ هل تمت؟ (نعم) - نعم / لا",
            "الرصد خلال عام 2022 في 14 مديرية",
            "وفي ٣ محافظات",
            "التوصيات: 5 (33%) — السبت 26 نوفمبر 2022 — 2 جمادى الأولى 1444 هـ — مأرب",
            "نسبة ٪٣٣ و33٪ و-5 و+967 و1,200.50 و1.5 و12/03/2025 و٣٫٥ و١٬٢٠٠ و3-4 و#2 و$5 و5$ و٣,٤",
            "2022 في البداية، و٢٠٢٣ والرقم 7 في النهاية 8",
            "سطر طويل فيه 12:30 و ١٢:٣٠ و(4) و[5] و«6» و\u064b7 و\u06702",
            "سند — 1/3",
            "45% من المشاركين، و$5",
            "+967 هو الرمز، و#3",
        ],
        "en": [MARIB_MINUTES_EN, LONG_ENGLISH, "Item 3.2: 45% done (of 1,200), 2022-11-26 — “quoted” and {nb} kept."],
    }

    def runs(fragments):
        return [
            ("".join(f.characters), f.fragment_direction, f.paragraph_direction, f.font_family + f.font_style)
            for f in fragments
        ]

    skipped = numbered = worked_out = 0
    for language, paragraphs in texts.items():
        with translation.override(language):
            pdf = Document("x")
        for bold in ("", "B"):
            pdf.set_font(pdf.main, bold, BODY)
            for paragraph in paragraphs:
                pdf.text_shaping["direction"] = pdf_direction = strong_direction(paragraph)
                for text in pdf.lines(paragraph, pdf.epw - 2 * pdf.c_margin):
                    ours = runs(pdf._preload_bidirectional_text(text, False))
                    whole = runs(FPDF._preload_bidirectional_text(pdf, text, False))
                    assert ours == whole, text
                    classes = set(map(unicodedata.bidirectional, text))
                    if ONE_DIRECTION[pdf_direction].issuperset(classes):
                        skipped += 1
                    elif pdf_direction == TextDirection.RTL and NUMBERS_IN_RTL.issuperset(classes):
                        numbered += 1
                    else:
                        worked_out += 1
    # Every kind of line was met: most are in one direction, some Arabic ones hold numbers, and
    # the others (a Latin word in Arabic, Arabic in English) go through fpdf2's pass.
    assert skipped > 20 and numbered > 10 and worked_out > 5


def test_a_page_count_alias_in_a_record_is_printed_as_typed():
    """fpdf2 replaces "{nb}" in any text with the number of pages; the footers do not use it,
    so a record's "{nb}" stays as it was typed."""
    with translation.override("en"):
        pdf = Document("x")
        pdf.text_block("Agenda item {nb} of the plan")
        pdf.add_page()
        pages = PdfReader(io.BytesIO(pdf.bytes())).pages
    assert "Agenda item {nb} of the plan" in pages[0].extract_text()


OPERAND = re.compile(rb"\((?:\\.|[^\\()])*\)|[^\s()]+", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(literal):
    return re.sub(rb"\\(.)", lambda match: ESCAPES.get(match.group(1), match.group(1)), literal, flags=re.S)


def glyphs_drawn(pdf):
    """Where a PDF reader draws each glyph of ``pdf``'s pages, read from their contents as a
    reader reads them: ``[(font, glyph code, x, y)]`` in points. The text matrices (``Td``,
    ``Tm``), the fonts and sizes (``Tf``), and after each glyph of a ``Tj`` the advance by the
    width the file gives it (``/W``, the subset's widths)."""
    widths = {
        font.i: {code: glyph.glyph_width for glyph, code in font.subset.items() if glyph is not None}
        for font in pdf.fonts.values()
    }
    drawn = []
    for page in pdf.pages.values():
        operands, x, y, line, font, size, saved = [], 0.0, 0.0, (0.0, 0.0), None, 0.0, []
        for word in OPERAND.findall(bytes(page.contents)):
            if not re.fullmatch(rb"[A-Za-z*'\"]+", word):
                operands.append(word)
                continue
            if word == b"q":  # the font is part of the graphics state, saved and restored
                saved.append((font, size))
            elif word == b"Q":
                font, size = saved.pop()
            elif word == b"BT":
                x, y, line = 0.0, 0.0, (0.0, 0.0)
            elif word == b"Td":
                line = (line[0] + float(operands[-2]), line[1] + float(operands[-1]))
                x, y = line
            elif word == b"Tm":
                x, y = line = (float(operands[-2]), float(operands[-1]))
            elif word == b"Tf":
                font, size = int(operands[-2][2:]), float(operands[-1])
            elif word == b"Tj":
                codes = _unescape(operands[-1][1:-1])
                for start in range(0, len(codes), 2):
                    code = int.from_bytes(codes[start:start + 2], "big")
                    drawn.append((font, code, x, y))
                    x += widths[font][code] / 1000 * size
            else:  # the text operators these documents never write (the positions would be wrong)
                assert word not in (b"Tc", b"Tz", b"TJ", b"Ts", b"TL", b"T*", b"'", b'"'), word
            operands = []
    return drawn


def test_runs_put_each_glyph_where_fpdf2_puts_it_with_far_fewer_operators(monkeypatch):
    """``Run`` places each run and the glyphs HarfBuzz moved (marks, kerned pairs) and lets the
    reader advance by each glyph's width in between; fpdf2 places every glyph of these fonts.
    Read as a reader reads them, both draw the same glyphs in the same places: each glyph's
    width is rounded to a thousandth of an em, so along a run the two may part by a few
    hundredths of a point (a tenth of a point at most here, under 0.1 mm), and two glyphs
    side by side by no more than the rounding of the operators (0.03 pt). For Arabic with
    harakat, kerned Latin, both directions, three sizes, a justified paragraph (its spaces
    placed) and the QR code's page."""
    from fpdf.line_break import Fragment

    from meetings.demo import MARIB_MINUTES_AR, MARIB_MINUTES_EN
    from meetings.printing import Run

    def drawn(language):
        with translation.override(language):
            pdf = Document("x")
            for text in (MARIB_MINUTES_AR, MARIB_MINUTES_EN, "توصيات منفَّذة جزئيًا (٣٣٪)", "AVATAR Tj (x) \\ y WAVE"):
                pdf.text_block(text, size=TITLE, bold=True)
                pdf.text_block(text, size=SMALL)
                pdf.text_block(text)
            pdf.multi_cell(0, LINE, MARIB_MINUTES_EN[:600], align="J")
            pdf.qr("https://example.org/meetings/1/")
            operators = sum(bytes(page.contents).count(b" Tm") for page in pdf.pages.values())
            return glyphs_drawn(pdf), operators

    for language in ("ar", "en"):
        ours, our_operators = drawn(language)
        with monkeypatch.context() as patched:
            patched.setattr(Run, "render_with_text_shaping", Fragment.render_with_text_shaping)
            theirs, their_operators = drawn(language)
        assert [glyph[:2] for glyph in ours] == [glyph[:2] for glyph in theirs]
        assert len(ours) > 3000
        apart = [(a[2] - b[2], a[3] - b[3]) for a, b in zip(ours, theirs)]
        assert max(max(abs(x), abs(y)) for x, y in apart) <= 0.25, language
        neighbours = [
            abs(apart[i][0] - apart[i - 1][0]) for i in range(1, len(ours))
            if ours[i][3] == ours[i - 1][3] and abs(ours[i][2] - ours[i - 1][2]) < 40  # side by side on a line
        ]
        assert max(neighbours) <= 0.03, language
        assert our_operators < their_operators / 4, (language, our_operators, their_operators)


def test_texts_are_shaped_into_the_very_glyphs_fpdf2_picks():
    """``DocumentFont`` keeps each glyph's name and width for the process instead of reading
    the font's tables for every glyph: its glyphs must be those of fpdf2's ``shape_text()``
    (the codes of the subset, advances, offsets, fpdf2's own ``force_positioning``), for both
    scripts in both weights, marks, ligatures and kerning, in a second document too. It adds
    ``width`` (the one the file gives the reader) and ``moved``: HarfBuzz placed the glyph
    other than that width would, which is what marks and kerned pairs are and most glyphs
    are not."""
    from fpdf.fonts import TTFFont

    from meetings.demo import MARIB_MINUTES_AR, MARIB_MINUTES_EN

    texts = (MARIB_MINUTES_AR[:400], "لا إله إلا الله: توصيات منفَّذة جزئيًا (٣٣٪)", MARIB_MINUTES_EN[:400],
             "AVATAR Wave fi fl — office 2024")
    moved = {}
    for _document in range(2):
        pdf = Document("x")
        for family in ("naskh", "naskhB", "sans", "sansB"):
            font = pdf.fonts[family]
            for text in texts:
                params = {"use_shaping_engine": True, "features": {}, "fragment_direction": strong_direction(text),
                          "script": None, "language": None}
                ours = font._shape_text(text, BODY, params)
                theirs = TTFFont.shape_text(font, text, BODY, params)
                assert [{key: glyph[key] for key in theirs[0]} for glyph in ours] == theirs
                for glyph in ours:
                    assert glyph["moved"] == bool(
                        glyph["x_offset"] or glyph["y_offset"] or glyph["y_advance"]
                        or glyph["width"] != round(font.scale * glyph["x_advance"])
                    )
                    moved.setdefault(family, []).append(glyph["moved"])
    assert all(0 < sum(flags) < len(flags) / 4 for flags in moved.values()), {f: sum(v) for f, v in moved.items()}


def test_fragments_are_fpdf2s_with_the_marks_kept_on_their_letters():
    """``Document._parse_chars`` splits a text as fpdf2 does (font, fallback font, script),
    except that a run of combining marks stays with the letter before it and the letters
    after it: the fragments must be fpdf2's own with those runs joined back."""
    from fpdf import FPDF
    from fpdf.unicode_script import UnicodeScript, get_unicode_script

    from meetings.demo import MARIB_MINUTES_AR, MARIB_MINUTES_EN

    def described(fragments):
        return [("".join(f.characters), f.font_family, f.font_style, f.font is not None) for f in fragments]

    def script(characters):
        """The script that decided where fpdf2 split: the last one not common to all."""
        scripts = [get_unicode_script(c) for c in characters]
        return next((s for s in reversed(scripts) if s not in (UnicodeScript.COMMON, UnicodeScript.UNKNOWN)), None)

    def joined(fragments):
        """fpdf2's fragments, without the splits made where marks (the Inherited script) began
        or ended."""
        result = []
        for fragment in fragments:
            if result and fragment.graphics_state == result[-1].graphics_state:
                at_marks = UnicodeScript.INHERITED in (script(fragment.characters[:1]), script(result[-1].characters))
            else:
                at_marks = False
            if at_marks:
                result[-1].characters.extend(fragment.characters)
            else:
                result.append(fragment)
        return result

    texts = [
        MARIB_MINUTES_AR,
        MARIB_MINUTES_EN,
        LONG_MINUTES,
        LONG_ENGLISH,
        "توصيات منفَّذة جزئيًا (٣٣٪) — 45% / 2022-11-26",
        "Ελληνικά και русский язык, עברית, and UNDP in 2022.",
        "line one\nسطر ثانٍ\n",
    ]
    compared = 0
    for language in ("ar", "en"):
        with translation.override(language):
            pdf = Document("x")
        for family in ("naskh", "sans"):
            for style in ("", "B"):
                pdf.set_font(family, style, BODY)
                for text in texts:
                    ours = list(pdf._parse_chars(text, False))
                    assert described(ours) == described(joined(FPDF._parse_chars(pdf, text, False))), text
                    assert [type(f).__name__ for f in ours] == ["Run"] * len(ours)
                    compared += len(ours)
    assert compared > 500


def in_a_new_thread(function):
    """What ``function()`` returns, run in a thread of its own (the fonts are parsed per thread)."""
    results = []
    thread = threading.Thread(target=lambda: results.append(function()))
    thread.start()
    thread.join()
    return results[0]


def parsed_in_this_thread():
    """``(fonts parsed, files made to cut subsets from)``: the paths of each, for this thread."""
    return (set(map(str, getattr(printing._parsed, "fonts", {}))),
            {str(font_file) for font_file in getattr(printing._parsed, "embedded", {})})


FONT_PATHS = {str(printing.FONTS / filename) for _family, _style, filename in printing.FONT_FILES}


def test_warm_up_parses_every_font_and_its_copies_before_the_first_document():
    """gunicorn.conf.py calls it as each worker starts: a thread's first PDF would otherwise
    parse the fonts and cut their copies, about half a second."""
    assert in_a_new_thread(parsed_in_this_thread) == (set(), set())

    def warm_then_print():
        printing.warm_up()
        warmed = parsed_in_this_thread()
        copies = dict(printing._parsed.embedded)
        with translation.override("en"):
            pdf = Document("x")
            pdf.text_block(LONG_MINUTES, bold=True)
            pdf.bytes()
        # The document took the copies made ahead: none was made again.
        reused = all(printing._parsed.embedded[path] is copy for path, copy in copies.items())
        return warmed, reused

    warmed, reused = in_a_new_thread(warm_then_print)
    assert warmed == (FONT_PATHS, FONT_PATHS)
    assert reused
