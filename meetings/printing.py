"""Printable PDFs of public records: a meeting's minutes and a project's report for donors.

Drawn with fpdf2, which shapes Arabic with HarfBuzz (uharfbuzz) and lays out right-to-left
text by the Unicode bidirectional algorithm; both install from PyPI alone. The fonts ship in
meetings/data/fonts (Noto Naskh Arabic and Liberation Sans, SIL Open Font Licence), each the
other's fallback, so Arabic names in the English PDF and Latin words in the Arabic one are
drawn. Only what the public pages show goes in: the caller passes a meeting or project read
through ``published()``, participants appear as ``Participation.public_label()`` (a protected
person never by name) and recommendations with their current (approved) status.
"""

import copy
import io
import threading
import unicodedata
from pathlib import Path
from typing import NamedTuple

import qrcode
import uharfbuzz
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from fontTools import subset, ttLib
from fpdf import FPDF
from fpdf.enums import PDFResourceType, TextDirection
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.line_break import Fragment
from fpdf.output import (
    CIDSystemInfo, OutputProducer, PDFArray, PDFContentStream, PDFFont, PDFFontStream, _build_cmap_blocks,
    _tt_font_widths,
)
from fpdf.syntax import Name
from fpdf.unicode_script import UnicodeScript, get_unicode_script

from .templatetags.sanad import ROLE_HEADINGS, full_date, site_name

FONTS = Path(__file__).resolve().parent / "data" / "fonts"
BODY, SMALL, HEADING, TITLE = 11, 9, 13, 17
LINE = 6.5
NEAR = 3  # mm from the end of a line, where a line is measured whole (Document.lines)
FONT_FILES = (
    ("naskh", "", "NotoNaskhArabic-Regular.ttf"),
    ("naskh", "B", "NotoNaskhArabic-Bold.ttf"),
    ("sans", "", "LiberationSans-Regular.ttf"),
    ("sans", "B", "LiberationSans-Bold.ttf"),
)
# Liberation Sans has 2,620 glyphs (Greek, Cyrillic, Hebrew…); cutting a subset costs in
# proportion. A lighter copy with the Latin script, its punctuation, currency and letter-like
# signs (662 glyphs) is cut instead whenever a document's glyphs are all in it.
LATIN = ((0x20, 0x24F), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x215F))
# Noto Naskh Arabic has 1,564 glyphs (the Arabic Supplement and Extended letters of African
# and Asian languages, their joining forms…). A lighter copy has the Arabic block, the ASCII
# and Latin-1 signs (and the controls the font maps, as the whole font does, so that the
# glyphs keep their names), punctuation and the presentation forms, with every glyph the
# shaping reaches from them: joining forms, ligatures, marks (787 glyphs).
# ``{file: (ranges, whether the copy keeps what the layout reaches from them)}``.
ARABIC = ((0x0, 0xFF), (0x600, 0x6FF), (0x2000, 0x206F), (0xFD3E, 0xFD3F), (0xFE70, 0xFEFF))
LIGHTER = {
    "LiberationSans-Regular.ttf": (LATIN, False),
    "LiberationSans-Bold.ttf": (LATIN, False),
    "NotoNaskhArabic-Regular.ttf": (ARABIC, True),
    "NotoNaskhArabic-Bold.ttf": (ARABIC, True),
}
# The bidirectional classes that leave a line in its paragraph's direction: its strong letters,
# marks, spaces and neutral punctuation (which, with no number about, resolve to the direction
# around them); in a left-to-right line, European digits too (rule W7 makes them L).
NEUTRAL = frozenset({"WS", "ON", "S", "CS", "ES", "ET", "NSM", "BN"})
ONE_DIRECTION = {
    TextDirection.RTL: NEUTRAL | {"R", "AL"},
    TextDirection.LTR: NEUTRAL | {"L", "EN"},
}
# A right-to-left line whose only left-to-right parts are numbers (no Latin letter, no explicit
# embedding or isolate): see number_runs().
NUMBERS_IN_RTL = frozenset({"WS", "ON", "CS", "ES", "ET", "NSM", "R", "AL", "EN", "AN"})
# The fonts as fpdf2 parsed them (widths, character map, HarfBuzz face), once per thread of a
# worker: parsing the four took about 150 ms of every PDF.
_parsed = threading.local()


class Copy(NamedTuple):
    """A copy of a font file to cut documents' subsets from (``_for_embedding``)."""

    data: bytes  # the file
    glyph_order: list  # its glyphs' names, by id
    has: frozenset | None  # the names of the glyphs it has, or None for all the font's
    ids: dict  # {glyph name: id}
    face: uharfbuzz.Face  # HarfBuzz's face of the file, which cuts the subsets (Producer)


def _for_embedding(path):
    """Copies of the font file to cut each document's subset from, the lightest first
    (``[Copy]``).

    Each is without what fpdf2 drops from the subset it embeds anyway: the OpenType layout and
    kerning, which HarfBuzz reads from the original file into the positions fpdf2 writes, and
    the glyph names, given to each copy with ``setGlyphOrder()`` instead of read again for
    every document. A lighter copy keeps the names of the glyphs it keeps."""
    copies = []
    ranges, layout = LIGHTER.get(Path(path).name, (None, False))
    for lighter in (True, False) if ranges else (False,):
        font = ttLib.TTFont(path, recalcTimestamp=False)
        if lighter and layout:  # the glyphs the shaping reaches, while the layout tables are there
            _cut(font, ranges, layout_features=["*"])
        for table in ("FFTM", "GDEF", "GPOS", "GSUB", "kern", "gasp"):
            if table in font:
                del font[table]
        # One character map (Windows Unicode) and the names a PDF reader may show: each other
        # map and name was cut down again for every document (2 ms a Latin font), to be kept
        # in a file no reader looks up by character (fpdf2 maps codes to glyphs itself).
        windows = [table for table in font["cmap"].tables if (table.platformID, table.platEncID) in ((3, 1), (3, 10))]
        font["cmap"].tables = windows
        font["name"].names = [name for name in font["name"].names if name.platformID == 3 and name.nameID <= 6]
        if lighter and not layout:
            # The glyphs of these characters alone, without those the layout reaches from them
            # (Liberation's superior and inferior figures, which no default feature shows).
            _cut(font, ranges)
        glyph_order = font.getGlyphOrder()
        font["post"].formatType = 3.0
        data = io.BytesIO()
        font.save(data)
        copies.append(Copy(
            data.getvalue(), glyph_order, frozenset(glyph_order) if lighter else None,
            {name: glyph for glyph, name in enumerate(glyph_order)}, uharfbuzz.Face(data.getvalue()),
        ))
    return copies


def _copies_to_cut(path):
    """``_for_embedding(path)``, made once per thread."""
    copies = _parsed.embedded.get(path)
    if copies is None:
        copies = _parsed.embedded[path] = _for_embedding(path)
    return copies


def _cut(font, ranges, **options):
    """Cut ``font`` down to the glyphs of the characters in ``ranges``, keeping its hinting and names."""
    subsetter = subset.Subsetter(subset.Options(
        glyph_names=True, notdef_outline=True, recommended_glyphs=True, hinting=True,
        name_IDs=["*"], name_languages=["*"], **options,
    ))
    subsetter.populate(unicodes=[code for first, last in ranges for code in range(first, last + 1)])
    subsetter.subset(font)


class DocumentFont(TTFFont):
    """A document's copy of a parsed font, which shapes a text once per document: fpdf2 shapes
    each fragment again to measure it, to align its line and to draw it (about four times)."""

    __slots__ = ("shapings", "escaped", "metrics", "picked")

    @classmethod
    def copy_of(cls, font, metrics):
        """``metrics``: the glyphs' names and widths, shared by every copy of the same font."""
        copied = cls.__new__(cls)
        for kind in TTFFont.__mro__:
            for name in getattr(kind, "__slots__", ()):
                if hasattr(font, name):
                    setattr(copied, name, getattr(font, name))
        copied.shapings, copied.escaped, copied.metrics, copied.picked = {}, {}, metrics, {}
        return copied

    def shaped(self, method, text, font_size_pt, params):
        params = params or {}
        features = params.get("features")
        key = (
            method, text, font_size_pt, params.get("fragment_direction"), params.get("script"),
            params.get("language"), tuple(sorted(features.items())) if features else (),
        )
        result = self.shapings.get(key)
        if result is None:
            shape = self._shape_text if method == "shape_text" else getattr(super(), method)
            result = self.shapings[key] = shape(text, font_size_pt, params)
        return result

    def _shape_text(self, text, font_size_pt, text_shaping_params):
        """fpdf2's ``shape_text()``, step for step, but for two things:

        - the name and width of each glyph: fpdf2 looks them up in the font's tables for every
          glyph of every text (a quarter of the time of the minutes), here once per font and
          process (``metrics``);
        - each glyph says whether HarfBuzz ``moved`` it from where its own width takes a PDF
          reader: a mark set off its letter, a kerned pair, a changed advance. fpdf2's
          ``force_positioning`` says so of every glyph of these fonts: it compares the width in
          thousandths of an em with HarfBuzz's advance in the font's units (2,048 to the em in
          all four). ``Run`` places only the moved glyphs: fpdf2 gave each glyph a text matrix
          of its own, 40 % of the file. Between two placed glyphs the reader's position can
          differ from HarfBuzz's by the rounding of the widths, under a thousandth of an em a
          glyph."""
        if not text:
            return []
        glyph_infos, glyph_positions = self.perform_harfbuzz_shaping(text, font_size_pt, text_shaping_params)
        # Which characters of the text each glyph stands for: a glyph's cluster is the index of
        # its first character, and the characters up to the next cluster are its own too (those
        # before the first cluster, the first's); the first glyph of a cluster takes them.
        clusters = sorted({info.cluster for info in glyph_infos})
        characters = dict(zip(clusters, zip([0, *clusters[1:]], [*clusters[1:], len(text)])))
        shaped, metrics, picked, subset_map = [], self.metrics, self.picked, self.subset
        for info, position in zip(glyph_infos, glyph_positions):
            first, end = characters.pop(info.cluster, (0, 0))
            key = (info.codepoint, text[first:end])
            found = picked.get(key)  # the glyph's code in this document's subset, and its width
            if found is None:
                named = metrics.get(info.codepoint)
                if named is None:
                    name = self.ttfont.getGlyphName(info.codepoint)
                    named = metrics[info.codepoint] = (name, round(self.scale * self.ttfont["hmtx"].metrics[name][0]))
                name, width = named
                glyph = subset_map.get_glyph(
                    glyph=info.codepoint, unicode=tuple(map(ord, text[first:end])),
                    glyph_name=name, glyph_width=width,
                )
                found = picked[key] = (None if glyph is None else subset_map.pick_glyph(glyph), width)
            code, width = found
            if code is None:
                continue
            shaped.append({
                "mapped_char": code,
                "x_advance": position.x_advance,
                "y_advance": position.y_advance,
                "x_offset": position.x_offset,
                "y_offset": position.y_offset,
                "force_positioning": (
                    width != position.x_advance or position.x_offset != 0 or position.y_offset != 0
                    or position.y_advance != 0
                ),
                "moved": (
                    width != round(self.scale * position.x_advance) or position.x_offset != 0
                    or position.y_offset != 0 or position.y_advance != 0
                ),
                "width": width,
            })
        return shaped

    def perform_harfbuzz_shaping(self, text, font_size_pt, text_shaping_params):
        return self.shaped("perform_harfbuzz_shaping", text, font_size_pt, text_shaping_params)

    def shape_text(self, text, font_size_pt, text_shaping_params):
        # The glyphs it picks are this document's (its subset), so a copy's memory is its own.
        return self.shaped("shape_text", text, font_size_pt, text_shaping_params)

    def shaped_text_width(self, text, font_size_pt, text_shaping_params):
        return self.shaped("shaped_text_width", text, font_size_pt, text_shaping_params)

    def escape_code(self, code):
        """``escape_text()`` of the glyph code ``code``, once per document (escaping works a
        character at a time, so a run's text is the codes' escapes joined)."""
        escaped = self.escaped.get(code)
        if escaped is None:
            escaped = self.escaped[code] = self.escape_text(chr(code))
        return escaped


class Run(Fragment):
    """A fragment of a line, drawn as fpdf2 draws it (``Fragment.render_with_text_shaping``),
    with fpdf2's arithmetic, but:

    - a run starts with a text matrix where the line's layout puts it; after that only the
      glyphs HarfBuzz moved get one of their own (see ``DocumentFont._shape_text``). Between
      them the reader advances by each glyph's width, and so does the position kept here, so
      the next placed glyph sits where HarfBuzz puts it after the reader's position, without
      a jump. Each glyph is where fpdf2 puts it within a fraction of a point (the widths'
      rounding, tested), and a PDF is 40 % smaller;
    - what every glyph of the run shares (the font, its size and scale) is looked up once
      rather than through properties for each glyph, and each glyph code escaped once a
      document."""

    def render_with_text_shaping(self, pos_x, pos_y, h, word_spacing):
        font, size, k = self.font, self.font_size_pt, self.k
        scale, stretching = font.scale, self.font_stretching / 100
        char_spacing = self.char_spacing * stretching / k
        space = font.subset.pick(ord(" "))
        operators, text = [], []

        def adjust(position):  # fpdf2's arithmetic, in the same order (so the same rounding)
            return position * scale * size * stretching / 1000 / k

        def flush():
            operators.append(f"({''.join(text)}) Tj ")
            text.clear()

        for glyph in font.shape_text(self.string, size, self.text_shaping_parameters):
            code = glyph["mapped_char"]
            if code is None:  # a missing glyph
                continue
            if glyph["x_offset"] != 0 or glyph["y_offset"] != 0:
                if text:
                    flush()
                x, y = pos_x + adjust(glyph["x_offset"]), pos_y - adjust(glyph["y_offset"])
                operators.append(f"1 0 0 1 {x * k:.2f} {(h - y) * k:.2f} Tm ")
            elif not operators and not text:
                # The run starts where the line's layout puts it, not where the reader's
                # previous run left it (their measured and drawn widths may differ).
                operators.append(f"1 0 0 1 {pos_x * k:.2f} {(h - pos_y) * k:.2f} Tm ")
            text.append(font.escape_code(code))
            if glyph["moved"]:  # where HarfBuzz puts the next glyph: it is placed there below
                pos_x += adjust(glyph["x_advance"]) + char_spacing
            else:  # where the reader goes by the glyph's width (/W): no jump at the next placed glyph
                pos_x += glyph["width"] * size * stretching / 1000 / k + char_spacing
            pos_y += adjust(glyph["y_advance"])
            spaced = word_spacing and code == space
            if spaced:
                pos_x += word_spacing
            if spaced or glyph["moved"]:
                if text:
                    flush()
                operators.append(f"1 0 0 1 {pos_x * k:.2f} {(h - pos_y) * k:.2f} Tm ")
        if text:
            flush()
            operators[-1] = operators[-1][:-1]  # fpdf2 ends the last text without a space
        return "".join(operators)


def number_runs(text):
    """The runs of a right-to-left line whose characters are all in ``NUMBERS_IN_RTL``, in
    logical order: ``[(text, direction)]``. Such a line meets only these rules of the
    bidirectional algorithm: a mark takes the class of the character before it (W1); digits
    after an Arabic letter are Arabic numbers (W2); a separator between two numbers of a kind
    and terminators next to European digits join the number (W4, W5); every neutral resolves
    to right-to-left, numbers counting as such (N1, N2); and numbers go one level up, left to
    right (I2)."""
    kinds, previous, strong = [], "R", "R"
    for kind in map(unicodedata.bidirectional, text):
        if kind == "NSM":
            kind = previous
        if kind in ("R", "AL"):
            strong = kind
        elif kind == "EN" and strong == "AL":
            kind = "AN"
        kinds.append(kind)
        previous = kind
    for i in range(1, len(kinds) - 1):
        before, after = kinds[i - 1], kinds[i + 1]
        if before == after and (kinds[i] == "ES" and before == "EN" or kinds[i] == "CS" and before in ("EN", "AN")):
            kinds[i] = before
    i = 0
    while i < len(kinds):
        end = i
        while end < len(kinds) and kinds[end] == "ET":
            end += 1
        if end > i and (i > 0 and kinds[i - 1] == "EN" or end < len(kinds) and kinds[end] == "EN"):
            kinds[i:end] = ["EN"] * (end - i)
        i = max(end, i + 1)
    runs = []
    for character, kind in zip(text, kinds):
        direction = TextDirection.LTR if kind in ("EN", "AN") else TextDirection.RTL
        if runs and runs[-1][1] == direction:
            runs[-1][0].append(character)
        else:
            runs.append(([character], direction))
    return [("".join(characters), direction) for characters, direction in runs]


def strong_direction(text):
    """The direction of ``text``'s first letter (rules P2 and P3 of the bidirectional algorithm,
    as ``multi_cell`` finds it, isolates aside), or None when it has no letter (a number, a
    date)."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return TextDirection.RTL
        if kind == "L":
            return TextDirection.LTR
    return None


class Document(FPDF):
    """An A4 page in the language of the request: right-aligned Arabic, left-aligned English."""

    def __init__(self, title):
        super().__init__(format="A4")
        # No page-count alias: the footers are drawn once the count is known (page_footers),
        # and a "{nb}" in a record's text stays as it was typed.
        self.str_alias_nb_pages = None
        self.rtl = get_language_bidi()
        self.main, self.other = ("naskh", "sans") if self.rtl else ("sans", "naskh")
        for family, style, filename in FONT_FILES:
            self.add_parsed_font(family, style, FONTS / filename)
        # Each family is the other's fallback, the document's own one included: a paragraph in
        # the other script is set in that script's font (text_block), and a word of the
        # document's script in it ("Saferworld" in an Arabic paragraph of the English minutes)
        # was dropped, its glyphs missing from that font, leaving a blank as wide as the word.
        self.set_fallback_fonts([self.other, self.main], exact_match=False)
        self.set_text_shaping(True)
        self.set_title(title)
        self.set_creator(site_name())
        self.set_lang("ar" if self.rtl else "en")
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 16, 18)
        self.word_widths = {}
        self.fallbacks = {}  # {(character, style): the fallback font that has it, or None}
        self.add_page()

    def add_parsed_font(self, family, style, path):
        """``add_font()``, but from the fonts this thread already parsed. Each document gets a
        copy with its own subset (the glyphs it uses); the parsed tables are shared, read only
        (``Producer`` cuts each subset from a copy of the file, ``Document.copy_to_cut``)."""
        fonts = getattr(_parsed, "fonts", None)
        if fonts is None:
            fonts = _parsed.fonts = {}
            _parsed.embedded, _parsed.metrics = {}, {}
        fontkey = f"{family}{style}"
        number = len(self.fonts) + 1  # as add_font() numbers it (F1, F2…)
        if path not in fonts:
            self.add_font(family, style, path)
            fonts[path] = copy.copy(self.fonts[fontkey])
            fonts[path].hbfont  # noqa: B018 (made once, shared: HarfBuzz's face of the file)
        font = DocumentFont.copy_of(fonts[path], _parsed.metrics.setdefault(path, {}))
        font.i = number
        font.biggest_size_pt = 0
        font.missing_glyphs = []
        font.subset = SubsetMap(font)
        self.fonts[fontkey] = font

    def _parse_chars(self, text, markdown, **kwargs):
        """The text in fragments, each in one font and one script, as fpdf2 splits it (the
        same rules, for text without markdown), but for two things:

        - combining marks (harakat, shadda: the Inherited script) stay in the fragment of the
          letter they sit on. fpdf2 starts a fragment at every change of script, so "منفَّذة"
          was shaped as "منف", "َّ" and "ذة": the marks apart from their letter, and the feh
          in its final form instead of joined to the dhal;
        - one pass over the characters, without fpdf2's checks for markdown and the page-count
          alias at each one (its parsing took a fifth of the time of the text).
        """
        if markdown:  # not used here; fpdf2's own, should it ever be
            yield from super()._parse_chars(text, markdown, **kwargs)
            return
        style = ("B" if "B" in self.font_style else "") + ("I" if "I" in self.font_style else "")
        glyphs, fallbacks = self.current_font.cmap, self.fallbacks
        pieces, fallback, script = [], None, None

        def fragment():
            nonlocal pieces, fallback, script
            state = self._get_current_graphics_state()
            state.font_style = style
            state.strikethrough, state.underline = bool(self.strikethrough), bool(self.underline)
            if fallback:  # as fpdf2: the fallback font's fragment ends its script too
                state.font_family = fallback.replace("B", "").replace("I", "")
                state.font_style = "".join(c for c in fallback if c in "BI")
                state.current_font = self.fonts[fallback]
                fallback = script = None
            made, pieces = Run(pieces, state, self.k), []
            return made

        for character in text:
            kind = get_unicode_script(character)
            if kind not in (UnicodeScript.COMMON, UnicodeScript.UNKNOWN, UnicodeScript.INHERITED, script):
                if pieces and script:
                    yield fragment()
                script = kind
            if character != "\n" and ord(character) not in glyphs:
                other = fallbacks.get((character, style), ())
                if other == ():  # fpdf2 looks through the fallback fonts again for every character
                    other = fallbacks[character, style] = self.get_fallback_font(character, style)
                if other:
                    if other != fallback:
                        if pieces:
                            yield fragment()
                        fallback = other
                    pieces.append(character)
                    continue
            if fallback:
                if pieces:
                    yield fragment()
                fallback = None
            pieces.append(character)
        if pieces:
            yield fragment()

    def _preload_bidirectional_text(self, text, markdown):
        """fpdf2 runs the bidirectional algorithm over every line, an object per character, in
        Python. Two kinds of line are worked out here instead, with the same runs (a test
        compares them): a line that cannot leave its paragraph's direction (``ONE_DIRECTION``)
        is one run in that direction; a right-to-left line whose only left-to-right parts are
        numbers is split by ``number_runs()``. Only the other lines go through fpdf2's pass."""
        direction = self.text_shaping["direction"] if self.text_shaping else None
        classes = set(map(unicodedata.bidirectional, text)) if direction and not markdown else None
        if classes is not None and ONE_DIRECTION[direction].issuperset(classes):
            runs = [(text, direction)]
        elif classes is not None and direction == TextDirection.RTL and NUMBERS_IN_RTL.issuperset(classes):
            runs = number_runs(text)
        else:
            return super()._preload_bidirectional_text(text, markdown)
        self.text_shaping["paragraph_direction"] = direction
        fragments = []
        for run, run_direction in runs:
            self.text_shaping["fragment_direction"] = run_direction
            fragments.extend(self._preload_font_styles(run, markdown))
        return tuple(fragments)

    @property
    def align(self):
        return "R" if self.rtl else "L"

    def footer(self):
        """Drawn by ``bytes()`` on every page once their number is known, rather than with an
        alias fpdf2 draws again on output: nothing is then drawn while the file is written,
        after the fonts are given the copies their subsets are cut from."""

    def page_footers(self):
        pages = self.page
        self.in_footer = True  # no page break
        for number in range(1, pages + 1):
            self.page = number
            self.current_font_is_set_on_page = False
            self.set_y(-13)
            self.set_font(self.main, size=SMALL - 1)
            self.cell(0, 5, f"{site_name()} — {number}/{pages}", align="C")
        self.in_footer = False

    def text_block(self, text, *, size=BODY, bold=False, space=1.5):
        if not text:
            return
        text = str(text)
        # A paragraph in the other script (an Arabic name or record not translated, in the
        # English document) is set in that script's font: in the document's font each of its
        # words would be drawn in the fallback and each space in the first font, a run apiece.
        direction = strong_direction(text)
        family = self.main if direction is None else "naskh" if direction == TextDirection.RTL else "sans"
        self.set_font(family, "B" if bold else "", size)
        self.paragraph(text, LINE * size / BODY)
        self.ln(space)

    def paragraph(self, text, height, align=None):
        """``multi_cell(0, height, text)`` at the start of a line: the same lines, a cell each.

        fpdf2's ``multi_cell`` measures the line again, shaping it with HarfBuzz, for every
        character it adds: about 16,000 shapings for one meeting's minutes, half the time of the
        PDF. Here each word is measured once (``lines()``), and a line is shaped only to be
        drawn. The paragraph's direction is found once, from the whole text, as ``multi_cell``
        finds it.
        """
        text = self.normalize_text(text).replace("\r", "")
        lines = self.lines(text, self.w - self.r_margin - self.x - 2 * self.c_margin)
        shaping = self.text_shaping
        given = shaping["direction"]
        shaping["direction"] = given or strong_direction(text) or TextDirection.LTR
        try:
            for line in lines:
                self.cell(0, height, line, align=align or self.align, new_x="LMARGIN", new_y="NEXT")
        finally:
            shaping["direction"] = given

    def lines(self, text, width):
        """``text`` broken into lines no wider than ``width`` in the current font, where
        ``multi_cell`` breaks it: at each newline and at the last space that fits; a word wider
        than a line (a long address) starts a line of its own and is cut where the line ends."""
        lines = []
        space = self.word_width(" ")
        for paragraph in text.removesuffix("\n").split("\n"):
            line, line_width = [], 0.0
            for word in paragraph.split(" "):
                word_width = self.word_width(word)
                if word_width > width:
                    if line:
                        lines.append(" ".join(line))
                    *full, word = self.cut(word, width)
                    lines.extend(full)
                    line, line_width = [word], self.width_of(word)
                elif line and line_width + space + word_width > width - NEAR and self.width_of(" ".join([*line, word])) > width:
                    # Near the end of the line, the line itself is measured: a font may kern a
                    # space with the letters beside it (Liberation: "A", "T", "Y"…), which the
                    # words measured apart do not show.
                    lines.append(" ".join(line))
                    line, line_width = [word], word_width
                else:
                    line_width += word_width + (space if line else 0)
                    line.append(word)
            lines.append(" ".join(line))
        return lines

    def cut(self, word, width):
        """``word`` in pieces that each fill a line of ``width`` (at least a character each)."""
        pieces = []
        while self.width_of(word) > width:
            fits, too_long = 1, len(word)  # the longest start that fits: a binary search
            while too_long - fits > 1:
                middle = (fits + too_long) // 2
                if self.width_of(word[:middle]) <= width:
                    fits = middle
                else:
                    too_long = middle
            pieces.append(word[:fits])
            word = word[fits:]
        return [*pieces, word]

    def word_width(self, word):
        """The width of ``word`` in the current font and size, once per document."""
        key = (self.font_family, self.font_style, self.font_size_pt, word)
        width = self.word_widths.get(key)
        if width is None:
            width = self.word_widths[key] = self.width_of(word)
        return width

    def width_of(self, text):
        """``get_string_width()`` (shaped, in the current font or its fallback) without the
        bidirectional pass, which a width does not need. A text the current font draws whole
        (most words) is measured as its one fragment would be, without making the fragment."""
        font = self.current_font
        if all(ord(character) in font.cmap for character in text):
            return font.get_text_width(text, self.font_size_pt, self.text_shaping)[1] / self.k
        return sum(fragment.get_width() for fragment in self._preload_font_styles(text, False))

    def heading(self, text):
        self.ln(2)
        self.text_block(text, size=HEADING, bold=True, space=1)
        y = self.get_y()
        self.set_draw_color(180, 186, 194)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.ln(2)

    def fact(self, label, value):
        if value:
            self.text_block(f"{label}: {value}", space=0.5)

    def qr(self, url):
        """A QR code of ``url`` (the live page) with the address under it, at the end edge. The
        dark modules are drawn as one filled path of squares, a row's run at a time: sharp in
        print at any size, and no picture to encode as PNG and decode again."""
        code = qrcode.QRCode(border=0)
        code.add_data(url)
        code.make(fit=True)
        modules = code.get_matrix()
        size = 30
        if self.get_y() + size + 12 > self.h - self.b_margin:
            self.add_page()
        left = self.l_margin if self.rtl else self.w - self.r_margin - size
        self.ln(3)
        unit = size / (len(modules) + 4)  # and a quiet zone of two modules around it
        top = self.get_y() + 2 * unit
        squares = []
        for row, dark in enumerate(modules):
            end = 0
            while end < len(dark):
                if not dark[end]:
                    end += 1
                    continue
                start = end
                while end < len(dark) and dark[end]:
                    end += 1
                x, y = left + (2 + start) * unit, self.h - top - (row + 1) * unit
                squares.append(f"{x * self.k:.2f} {y * self.k:.2f} {(end - start) * unit * self.k:.2f} {unit * self.k:.2f} re")
        self._out(f"q 0 g {' '.join(squares)} f Q")
        self.set_y(self.get_y() + size + 1)
        self.set_font("sans", size=SMALL)
        self.paragraph(url, 5, align="L" if self.rtl else "R")

    def printed_from(self, url):
        self.text_block(
            _("Printed on %(date)s from the public record at %(url)s; the live page shows any later follow-up.")
            % {"date": full_date(timezone.localdate()), "url": url},
            size=SMALL,
        )

    @staticmethod
    def copy_to_cut(font):
        """The lightest copy of ``font``'s file that has every glyph the document uses (a ``Copy``)."""
        # Made when a document first uses the font (most never use the bold Latin), or ahead by warm_up().
        copies = _copies_to_cut(font.ttffile)
        names = set(font.subset.get_all_glyph_names())
        return next(copy for copy in copies if copy.has is None or names <= copy.has)

    def bytes(self, producer=None):
        """The file, written by ``producer`` (``Producer``, unless a test compares fpdf2's own)."""
        self.page_footers()
        # A font no page uses is left out of the file (the bold Latin one, in most Arabic
        # documents).
        used = {
            int(i)
            for page in range(1, self.pages_count + 1)
            for i in self._resource_catalog.get_resources_per_page(page, PDFResourceType.FONT)
        }
        for key in [key for key, font in self.fonts.items() if font.i not in used]:
            del self.fonts[key]
        try:
            return bytes(self.output(output_producer_class=producer or Producer))
        finally:
            # fpdf2 memoises glyph look-ups per subset in a cache of the class, which would
            # keep every document's fonts alive in the worker.
            SubsetMap.get_glyph.cache_clear()
            SubsetMap.pick.cache_clear()


class Producer(OutputProducer):
    """fpdf2's writer of the file, but for how each font's subset is cut.

    fpdf2 cuts the glyphs a document uses out of the font with fontTools' subsetter and writes
    the result again with fontTools, in Python: 10 to 20 ms a font, a third of the Arabic
    minutes' time. Here HarfBuzz's subsetter (hb-subset, in C, which uharfbuzz brings with the
    shaping) cuts the same glyphs from the lightest copy that has them (``Document.copy_to_cut``),
    in under a millisecond. It keeps what fpdf2's keeps: the glyphs used, the first four (as
    fontTools' ``recommended_glyphs``), the components of composite glyphs, the outline of
    .notdef and the hinting. The objects written around each font are fpdf2's, in its order; only
    the fonts' programs differ, with the same glyphs, outlines and widths (tests compare both).
    Only the TrueType fonts a ``Document`` adds are handled (not fpdf2's core, CFF or colour
    fonts)."""

    def _add_fonts(self, *_resources):
        return {font.i: self._add_font(font) for font in sorted(self.fpdf.fonts.values(), key=lambda font: font.i)}

    def _add_font(self, font):
        fontname = f"MPDFAA+{font.name}"
        cut = Document.copy_to_cut(font)
        request = uharfbuzz.SubsetInput()
        request.glyph_set.update({0, 1, 2, 3, *(cut.ids[name] for name in font.subset.get_all_glyph_names())})
        request.flags = uharfbuzz.SubsetFlags.NOTDEF_OUTLINE
        plan = uharfbuzz.SubsetPlan(cut.face, request)
        program = plan.execute().blob.data
        new_ids = plan.old_to_new_glyph_mapping
        code_to_glyph = {code: new_ids[cut.ids[glyph.glyph_name]] for glyph, code in font.subset.items() if glyph is not None}

        composite = PDFFont(subtype="Type0", base_font=fontname, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = PDFFont(subtype="CIDFontType2", base_font=fontname, d_w=font.desc.missing_width, w=_tt_font_widths(font))
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
        # Which characters each code stands for: a reader's search and copy.
        bf_char = [
            f"<{code:04X}> <{''.join(_utf16_code(character) for character in glyph.unicode)}>\n"
            for glyph, code in font.subset.items()
            if glyph is not None and isinstance(glyph.unicode, tuple) and glyph.unicode
        ]
        to_unicode = PDFContentStream((
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
            "<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            f"{_build_cmap_blocks(bf_char, 'bfchar')}"
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
        ).encode("latin-1"))
        self._add_pdf_obj(to_unicode, "fonts")
        composite.to_unicode = to_unicode
        system_info = CIDSystemInfo()
        self._add_pdf_obj(system_info, "fonts")
        cid_font.c_i_d_system_info = system_info
        descriptor = font.desc
        descriptor.font_name = Name(fontname)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor
        # Each code's glyph in the program, two bytes a code from 0 to 0xFFFF, as fpdf2 writes it.
        cid_to_gid = bytearray(2 * 0x10000)
        for code, glyph in code_to_glyph.items():
            cid_to_gid[2 * code:2 * code + 2] = glyph.to_bytes(2, "big")
        cid_to_gid_map = PDFContentStream(contents=bytes(cid_to_gid), compress=True)
        self._add_pdf_obj(cid_to_gid_map, "fonts")
        cid_font.c_i_d_to_g_i_d_map = cid_to_gid_map
        font_file = PDFFontStream(contents=program)
        self._add_pdf_obj(font_file, "fonts")
        descriptor.font_file2 = font_file
        return composite


def _utf16_code(character):
    """A character's code in a ToUnicode map, as fpdf2 writes it: UTF-16, a surrogate pair past 0xFFFF."""
    if character > 0xFFFF:
        return f"{0xD800 | (character - 0x10000) >> 10:04X}{0xDC00 | (character & 0x3FF):04X}"
    return f"{character:04X}"


def _status(recommendation):
    text = f"{_('Status')}: {recommendation.get_status_display()} ({recommendation.progress}%)"
    if recommendation.due_date:
        text += f" — {_('Due date')}: {full_date(recommendation.due_date)}"
    return text


def meeting_pdf(meeting, url):
    """The public record of ``meeting`` (loaded with ``for_print()``) as PDF bytes."""
    pdf = Document(meeting.title)
    pdf.text_block(f"{site_name()} — {_('Minutes of a consultation meeting')}", size=SMALL)
    pdf.text_block(meeting.title, size=TITLE, bold=True, space=3)
    pdf.fact(_("Date"), full_date(meeting.date))
    if meeting.start_time:
        times = meeting.start_time.strftime("%H:%M")
        if meeting.end_time:
            times += f"–{meeting.end_time.strftime('%H:%M')}"
        pdf.fact(_("Time"), times)
    place = "، ".join(str(part) for part in (meeting.governorate, meeting.city, meeting.venue) if part)
    pdf.fact(_("Place"), place if pdf.rtl else place.replace("، ", ", "))
    pdf.fact(_("Kind of meeting"), meeting.get_kind_display())
    if meeting.project_id:
        pdf.fact(_("Project"), str(meeting.project))
    if meeting.attendance_total is not None:
        pdf.fact(_("Attendance"), meeting.attendance_total)
    if meeting.summary:
        pdf.ln(2)
        pdf.text_block(meeting.summary)

    groups = {}
    for involvement in meeting.involvements.all():
        groups.setdefault(involvement.role, []).append(str(involvement.organization))
    if groups:
        pdf.heading(_("Organisations"))
        for role, heading in ROLE_HEADINGS.items():
            if role in groups:
                pdf.fact(str(heading), (" ، " if pdf.rtl else ", ").join(groups[role]))

    participations = list(meeting.participations.all())
    if participations:
        pdf.heading(_("Officials and participants"))
        for participation in participations:
            # public_label(): the post or organisation, and the name only of a public person.
            pdf.text_block(f"{participation.get_role_display()}: {participation.public_label()}", bold=True, space=0.5)
            if participation.statement:
                pdf.text_block(participation.statement, space=2)

    if meeting.minutes:
        pdf.heading(_("Minutes"))
        pdf.text_block(meeting.minutes)

    recommendations = list(meeting.recommendations.all())
    pdf.heading(_("Recommendations"))
    if not recommendations:
        pdf.text_block(_("No recommendation."))
    for recommendation in recommendations:
        pdf.text_block(f"{recommendation.order}. {recommendation.text}", bold=True, space=0.5)
        pdf.text_block(_status(recommendation), size=SMALL, space=0.5)
        addressees = [str(organization) for organization in recommendation.addressees.all()]
        if addressees:
            pdf.text_block(f"{_('Addressed to')}: {'، '.join(addressees) if pdf.rtl else ', '.join(addressees)}",
                           size=SMALL, space=2.5)
    pdf.qr(url)
    pdf.printed_from(url)
    return pdf.bytes()


def project_pdf(project, url, *, summary, meetings, figures):
    """A report on ``project`` for its donors: who implements and funds it, its recommendations
    by status and their follow-up (``figures``, from the summary rows), its latest meetings."""
    pdf = Document(project.name)
    pdf.text_block(f"{site_name()} — {_('Project report')}", size=SMALL)
    pdf.text_block(project.name, size=TITLE, bold=True, space=3)
    if project.start_date or project.end_date:
        pdf.fact(_("Period"), " – ".join(full_date(day) for day in (project.start_date, project.end_date) if day))
    separator = "، " if pdf.rtl else ", "
    pdf.fact(_("Implemented by"), separator.join(str(org) for org in project.implementers.all()))
    pdf.fact(_("Funded by"), separator.join(str(org) for org in project.donors.all()))
    if project.description:
        pdf.ln(2)
        pdf.text_block(project.description)

    pdf.heading(_("Recommendations and their follow-up"))
    total = sum(count for _status, count in summary)
    pdf.fact(_("Published meetings"), figures["meetings"])
    pdf.fact(_("Recommendations"), total)
    for status, count in summary:
        share = f" ({round(100 * count / total)}%)" if total else ""
        pdf.fact(str(status.label), f"{count}{share}")
    pdf.fact(_("Overdue"), figures["overdue"])
    if figures["median_first"] is not None:
        pdf.fact(_("Median days to the first update"), figures["median_first"])
    if figures["median_done"] is not None:
        pdf.fact(_("Median days to implementation"), figures["median_done"])

    pdf.heading(_("Latest meetings"))
    if not meetings:
        pdf.text_block(_("No published meeting."))
    for meeting in meetings:
        pdf.text_block(meeting.title, bold=True, space=0.5)
        pdf.text_block(
            f"{full_date(meeting.date)} — {meeting.governorate or ''} — "
            f"{_('Recommendations')}: {meeting.recommendation_count}",
            size=SMALL,
            space=2,
        )
    pdf.qr(url)
    pdf.printed_from(url)
    return pdf.bytes()


def warm_up():
    """Parse every font and make the copies to cut subsets from, for this thread, before its
    first document: that first PDF otherwise costs about half a second more (0.6 s instead of
    0.07 s), paid by the first reader of a PDF on every new gunicorn worker. gunicorn.conf.py
    calls this as each worker starts."""
    for language, _name in settings.LANGUAGES:
        # A page of each language with what every document has (both scripts in both weights,
        # a QR code), so that no first use is left for the first reader: about 0.1 s more.
        with translation.override(language):
            document = Document("")
            document.heading("سند Sanad")
            document.text_block("اجتماع تشاوري في مأرب، 2024 — a consultative meeting")
            document.qr("https://example.org/")
            document.bytes()
    for font in _parsed.fonts.values():
        _copies_to_cut(font.ttffile)
