"""WCAG 2.x contrast, and the colours a RAG label is actually drawn in inside a PDF, Word or Excel
file (read back from the file, not from the constants that made it)."""

import io
import re


def _channel(value):
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb):
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground, background):
    """The WCAG contrast ratio of two (r, g, b) colours, 1 to 21."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def hex_rgb(text):
    text = text[-6:]  # openpyxl keeps ARGB
    return tuple(int(text[i : i + 2], 16) for i in (0, 2, 4))


def css_rgb(text):
    """'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 1)' -> (1, 2, 3)."""
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", text)[:3])


WHITE, BLACK = (255, 255, 255), (0, 0, 0)
RAG_WORDS = {"Red", "Amber", "Green"}


def pdf_label_colours(pdf_bytes, words=RAG_WORDS):
    """(word, text colour, background colour) for every time one of `words` is drawn in a PDF.

    The text colour is the fill colour when the word is shown; the background is the last filled
    rectangle drawn under the word's starting point before it (white when there is none).
    """
    from pypdf import PdfReader

    found = []
    for page in PdfReader(io.BytesIO(pdf_bytes)).pages:
        state = {"fill": BLACK, "stack": [], "rects": [], "pending": []}

        def multiply(m, x, y):
            return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]

        def before(op, args, cm, tm, state=state):
            if op == b"q":
                state["stack"].append(state["fill"])
            elif op == b"Q" and state["stack"]:
                state["fill"] = state["stack"].pop()
            elif op == b"rg":
                state["fill"] = tuple(round(float(v) * 255) for v in args)
            elif op == b"g":
                state["fill"] = (round(float(args[0]) * 255),) * 3
            elif op == b"re":
                x, y, w, h = (float(v) for v in args)
                corners = [multiply(cm, x, y), multiply(cm, x + w, y + h)]
                state["pending"].append(corners)
            elif op in (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
                for (x0, y0), (x1, y1) in state["pending"]:
                    box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
                    state["rects"].append((box, state["fill"]))
                state["pending"] = []
            elif op in (b"n", b"S", b"s"):
                state["pending"] = []

        def text(content, cm, tm, font, size, state=state):
            word = content.strip()
            if word not in words:
                return
            x, y = multiply(cm, tm[4], tm[5])
            background = WHITE
            for (x0, y0, x1, y1), colour in state["rects"]:
                if x0 <= x + 1 <= x1 and y0 <= y + 1 <= y1:
                    background = colour
            found.append((word, state["fill"], background))

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return found


def docx_label_colours(docx_bytes, words=RAG_WORDS):
    """(word, text colour, background colour) for every table cell of a Word file holding one of `words`."""
    from docx import Document
    from docx.oxml.ns import qn

    found = []
    for table in Document(io.BytesIO(docx_bytes)).tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.text.strip() not in words:
                    continue
                shading = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
                fill = shading.get(qn("w:fill")) if shading is not None else None
                background = hex_rgb(fill) if fill and fill != "auto" else WHITE
                for run in cell.paragraphs[0].runs:
                    colour = run.font.color.rgb if run.font.color and run.font.color.type else None
                    found.append((cell.text.strip(), hex_rgb(str(colour)) if colour else BLACK, background))
    return found


def xlsx_label_colours(xlsx_bytes, words=RAG_WORDS):
    """(word, text colour, background colour) for every cell of a workbook holding one of `words`."""
    from openpyxl import load_workbook

    found = []
    for sheet in load_workbook(io.BytesIO(xlsx_bytes)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if str(cell.value).strip() not in words:
                    continue
                fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
                font = cell.font.color.rgb if cell.font and cell.font.color is not None else None
                background = hex_rgb(fill) if isinstance(fill, str) else WHITE
                text = hex_rgb(font) if isinstance(font, str) else BLACK
                found.append((str(cell.value).strip(), text, background))
    return found
