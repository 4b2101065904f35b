"""The gender-impact analysis as files to take away: the section "Konsekvenser för kvinnor och
män, flickor och pojkar" as a Word document (.docx) and an OpenDocument text (.odt), ready to be
pasted into a decision paper, and the whole analysis as the kit's JSON.

A municipality writes its decision papers in Word or LibreOffice, so the section goes out in
both formats, built the same way from the same plain text — the text the app generates or the
group edits:

* paragraphs are separated by a blank line;
* inside a paragraph a line that starts with "– ", "- " or "• " is a list item, and becomes a
  real list (a screen reader says "list, 3 items"), not a line that merely starts with a dash;
* any other line break stays a line break within its paragraph.

The heading is a real heading (level 1), and the document says which language it is in (in its
metadata and in its default text style), so that a screen reader speaks it and a spell-checker
checks it as Swedish or English (WCAG 2.1, 3.1.1 Language of Page).

Typed text is only ever text: it goes through :func:`kit.io.writers.clean` (a NUL or a vertical
tab would make the XML invalid, and the libraries refuse it), and it is never read as markup,
a field, a formula or a template — ``<script>``, ``=HYPERLINK(…)``, ``{x}`` and ``$\\alpha$``
come out as those very characters.

>>> data = to_docx(SECTION_HEADING["sv"], "Kvinnor väntar längre.\\n\\n– {x}\\n– =1+1")
>>> data[:2], to_odt(SECTION_HEADING["en"], "", "en")[:2]
(b'PK', b'PK')
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re

from kit.io.readers import KIT_FORMAT, KIT_FORMAT_VERSION
from kit.io.writers import clean

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
JSON = "application/json"

#: The module's name in the kit's JSON (its key and its record in the store).
MODULE = "konskonsekvensanalys"
#: The version of the analysis' payload carried in the JSON.
VERSION = "1"

#: The section's heading, as a decision paper names it.
SECTION_HEADING = {"sv": "Konsekvenser för kvinnor och män, flickor och pojkar",
                   "en": "Consequences for women and men, girls and boys"}

#: The language of a document: (language, country), as BCP 47 says it (sv-SE, en-GB).
LANGUAGES = {"sv": ("sv", "SE"), "en": ("en", "GB")}

#: What starts a list item, in the plain text.
BULLETS = ("– ", "- ", "• ")

# XML 1.0 has no U+FFFE and U+FFFF (clean() keeps them: they are not control characters).
_NOT_XML = re.compile("[\ufffe\uffff]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "sv"


def _tag(lang: str) -> str:
    return "-".join(LANGUAGES[_lang(lang)])


def _plain(value) -> str:
    r"""A typed text as the documents take it: cleaned, XML-safe, with ``\n`` line breaks.

    >>> _plain("a\x00b\r\nc\x0bd\ufffe\u2029e"), _plain(None)
    ('ab\ncd\n\ne', '')
    """
    text = _NOT_XML.sub("", clean(value if isinstance(value, str) else str(value or "")))
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")


def _one_line(value) -> str:
    """A heading, title or subject: one line, runs of white space as one space."""
    return " ".join(_plain(value).split())


def _item(line: str) -> str | None:
    """The text of a list item, or ``None`` when the line is not one."""
    stripped = line.lstrip()
    for bullet in BULLETS:
        if stripped.startswith(bullet):
            return stripped[len(bullet):].strip()
    return None


def blocks(text) -> list[tuple[str, list[str]]]:
    """The plain text as blocks, in order: ``("p", lines)`` for a paragraph (its lines are kept
    as line breaks) and ``("list", items)`` for consecutive list items. A paragraph may lead
    into its list ("Det saknas:" and then the items); a line after a list starts a new
    paragraph. Empty text has no blocks.

    >>> blocks("Inledning.\\n\\nDet saknas:\\n– statistik;\\n- åtgärder.\\nSlut\\nrad två")
    [('p', ['Inledning.']), ('p', ['Det saknas:']), ('list', ['statistik;', 'åtgärder.']), ('p', ['Slut', 'rad två'])]
    >>> blocks(" \\n\\n "), blocks("•  en punkt")
    ([], [('list', ['en punkt'])])
    """
    out: list[tuple[str, list[str]]] = []
    for chunk in _BLANK_LINE.split(_plain(text)):
        kind = None
        for line in chunk.split("\n"):
            item = _item(line)
            if item is None and not line.strip():
                continue  # a line of spaces only, at the start or end of a paragraph
            if item is not None and not item:
                continue  # a bullet with nothing after it
            now = "p" if item is None else "list"
            if now != kind:
                out.append((now, []))
                kind = now
            out[-1][1].append(line.rstrip() if item is None else item)
    return out


def _heading(heading, lang: str) -> str:
    return _one_line(heading) or SECTION_HEADING[_lang(lang)]


# -- Word ------------------------------------------------------------------------------------
def _docx_language(document, tag: str) -> None:
    """Say the language where Word looks for it: the document defaults, the Normal style (every
    other style is based on it) and the theme's fonts."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def set_lang(rPr) -> None:
        lang = rPr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rPr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
        lang.set(qn("w:val"), tag)

    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for rPr in defaults.iter(qn("w:rPr")):
            set_lang(rPr)
    set_lang(document.styles["Normal"].element.get_or_add_rPr())
    settings = document.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), tag)
    proof = settings.find(qn("w:proofState"))
    if proof is not None:  # the template says "already checked"; let the spell-checker check
        settings.remove(proof)


def to_docx(heading: str, text: str, lang: str = "sv", *, title: str = "", subject: str = "") -> bytes:
    """The section as a Word document: ``heading`` as a heading (level 1, style "Heading 1"),
    then ``text`` as paragraphs, line breaks and bulleted lists (style "List Bullet", a real
    Word list) as :func:`blocks` reads it. The document is A4, in Swedish (sv-SE) or English
    (en-GB), with its title (``title`` or the heading) and subject in its properties.

    >>> import io, docx
    >>> doc = docx.Document(io.BytesIO(to_docx("Konsekvenser", "Ett.\\n\\n– a\\x00b\\n– <c>", title="=1+1")))
    >>> [(p.style.name, p.text) for p in doc.paragraphs]
    [('Heading 1', 'Konsekvenser'), ('Normal', 'Ett.'), ('List Bullet', 'ab'), ('List Bullet', '<c>')]
    >>> doc.core_properties.title, doc.core_properties.language
    ('=1+1', 'sv-SE')
    """
    import docx
    from docx.shared import Mm

    tag = _tag(lang)
    heading = _heading(heading, lang)
    document = docx.Document()
    _docx_language(document, tag)
    props = document.core_properties
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.title = _one_line(title) or heading
    props.subject = _one_line(subject)
    props.language = tag
    props.author = props.last_modified_by = props.comments = props.keywords = ""
    props.created = props.modified = now
    props.revision = 1
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)
    document.add_heading(heading, level=1)
    for kind, lines in blocks(text):
        if kind == "list":
            for item in lines:
                document.add_paragraph(item, style="List Bullet")
        else:
            document.add_paragraph("\n".join(lines))  # "\n" becomes a line break, "\t" a tab
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- OpenDocument ----------------------------------------------------------------------------
def _odt_styles(doc, lang: str) -> dict:
    """The few styles the section needs, named as LibreOffice names its own ("Heading 1",
    "Text body", "List Bullet"), and the document's language in the default style."""
    from odf.style import (DefaultStyle, ListLevelProperties, MasterPage, PageLayout,
                           PageLayoutProperties, ParagraphProperties, Style, TextProperties)
    from odf.text import ListLevelStyleBullet, ListStyle

    language, country = LANGUAGES[_lang(lang)]
    default = DefaultStyle(family="paragraph")
    default.addElement(TextProperties(language=language, country=country, fontsize="12pt"))
    doc.styles.addElement(default)
    standard = Style(name="Standard", family="paragraph", attributes={"class": "text"})
    body = Style(name="Text_20_body", displayname="Text body", family="paragraph",
                 parentstylename="Standard", attributes={"class": "text"})
    body.addElement(ParagraphProperties(marginbottom="0.25cm", margintop="0cm"))
    head = Style(name="Heading", family="paragraph", parentstylename="Standard",
                 nextstylename="Text_20_body", attributes={"class": "text"})
    head.addElement(ParagraphProperties(margintop="0.42cm", marginbottom="0.21cm", keepwithnext="always"))
    head1 = Style(name="Heading_20_1", displayname="Heading 1", family="paragraph",
                  parentstylename="Heading", nextstylename="Text_20_body", defaultoutlinelevel="1",
                  attributes={"class": "text"})
    head1.addElement(TextProperties(fontsize="16pt", fontweight="bold"))
    bullets = ListStyle(name="List_20_Bullet", displayname="List Bullet")
    level = ListLevelStyleBullet(level=1, bulletchar="•")
    level.addElement(ListLevelProperties(spacebefore="0.4cm", minlabelwidth="0.5cm"))
    bullets.addElement(level)
    for style in (standard, body, head, head1, bullets):
        doc.styles.addElement(style)
    page = PageLayout(name="A4")
    page.addElement(PageLayoutProperties(pagewidth="21cm", pageheight="29.7cm", printorientation="portrait",
                                         margintop="2.5cm", marginbottom="2.5cm", marginleft="2.5cm",
                                         marginright="2.5cm"))
    doc.automaticstyles.addElement(page)
    doc.masterstyles.addElement(MasterPage(name="Standard", pagelayoutname=page))
    return {"body": body, "heading": head1, "list": bullets}


def to_odt(heading: str, text: str, lang: str = "sv", *, title: str = "", subject: str = "") -> bytes:
    """The section as an OpenDocument text (LibreOffice, and Word opens it too): the same
    heading (outline level 1), paragraphs, line breaks and lists as :func:`to_docx`, the
    language in the default style (``fo:language``, ``fo:country``) and the metadata
    (``dc:language``), and the title (``title`` or the heading) and subject in the metadata.

    >>> import io, zipfile
    >>> data = to_odt("Konsekvenser", "Ett.\\n\\n– {x}", "en")
    >>> files = zipfile.ZipFile(io.BytesIO(data))
    >>> files.read("mimetype"), b"<dc:title>Konsekvenser</dc:title>" in files.read("meta.xml")
    (b'application/vnd.oasis.opendocument.text', True)
    """
    from odf import dc, teletype
    from odf.opendocument import OpenDocumentText
    from odf.text import H, List, ListItem, P

    heading = _heading(heading, lang)
    doc = OpenDocumentText()
    styles = _odt_styles(doc, lang)
    doc.meta.addElement(dc.Title(text=_one_line(title) or heading))
    if _one_line(subject):
        doc.meta.addElement(dc.Subject(text=_one_line(subject)))
    doc.meta.addElement(dc.Language(text=_tag(lang)))
    h = H(outlinelevel=1, stylename=styles["heading"])
    teletype.addTextToElement(h, heading)
    doc.text.addElement(h)
    for kind, lines in blocks(text):
        if kind == "list":
            items = List(stylename=styles["list"])
            for line in lines:
                p = P(stylename=styles["body"])
                teletype.addTextToElement(p, line)
                item = ListItem()
                item.addElement(p)
                items.addElement(item)
            doc.text.addElement(items)
        else:
            p = P(stylename=styles["body"])
            teletype.addTextToElement(p, "\n".join(lines))  # line breaks, tabs, runs of spaces
            doc.text.addElement(p)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


# -- the kit's JSON --------------------------------------------------------------------------
def _cleaned(node):
    """Every text of a payload as exports write it (no control characters), keys too; a
    number that is not one (NaN, infinity) as ``null``, since JSON has none."""
    if isinstance(node, dict):
        return {clean(str(k)): _cleaned(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [_cleaned(v) for v in node]
    if isinstance(node, float) and not math.isfinite(node):
        return None
    if node is None or isinstance(node, (bool, int, float, str)):
        return clean(node)
    item = getattr(node, "item", None)  # a numpy number
    if callable(item):
        try:
            return _cleaned(item())
        except (TypeError, ValueError):
            pass
    return clean(str(node))


def to_json(payload: dict, workshop: str = "", group: str = "", occasion: str = "") -> bytes:
    """The whole analysis as the kit's JSON: the kit's envelope (format, its version, the
    module, the payload's version, workshop, group, occasion, when it was exported) with the
    analysis under ``"analysis"``, every text cleaned; UTF-8, indented, Swedish letters as
    they are.

    >>> doc = json.loads(to_json({"section": {"text": "Å\\x00{x}", "edited": True}}, "Höst", "=Örby", "1"))
    >>> doc["module"], doc["group"], doc["analysis"]["section"]
    ('konskonsekvensanalys', '=Örby', {'text': 'Å{x}', 'edited': True})
    """
    if not isinstance(payload, dict):
        raise TypeError("an analysis is a dict")
    doc = {"format": KIT_FORMAT, "format_version": KIT_FORMAT_VERSION, "kind": MODULE,
           "module": MODULE, "version": VERSION, "workshop": clean(str(workshop or "")),
           "group": clean(str(group or "")), "occasion": clean(str(occasion or "")),
           "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
           "analysis": _cleaned(payload)}
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False).encode("utf-8")
