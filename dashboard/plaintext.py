"""The one rule that keeps data text as text wherever it is shown: in Streamlit's Markdown and in Plotly's labels.

Anything read from the database (a theme label, a department, a location, a venue, a question, a suggestion) may hold
Markdown, HTML or a URL, and must never become an image, a link or markup. Pages and builders pass such text through
`markdown()` before any Markdown element (markdown, caption, title, header, info, page_link labels...) and Plotly text
goes through `plot()`, which `charts.style` applies to every trace's text and to the title of every figure, so a
figure builder passes plain text (lines broken with "\n") and never escapes it itself.
The board pack (python-pptx text) and the HTML report (`html.escape`) show text literally by construction.
"""

import html
import re

# Markdown, HTML and Streamlit's own syntax, each escaped with a backslash: emphasis and code, links and images (no
# `[`, no link), HTML tags and entities, math (`$`), Streamlit's `:red[...]` and `:material/x:` (a colon before a
# word). The rest of the text is left as it is, so that a sentence reads and searches as written.
MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]<>$~&|]|:(?=\S))")
# What would start a block at the start of the text: a heading, list, quote, ordered list or rule.
BLOCK_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")
# GitHub-style autolinks (`http://`, `https://`, `www.`, `name@host.tld`) are found in the text after escapes are
# undone, so a backslash does not stop them (seen in Chromium). A word joiner (U+2060, invisible, no line break) inside
# the pattern does: `http\u2060://` and `www\u2060.` and `name@\u2060host` no longer match, and read the same.
WORD_JOINER = "\u2060"
AUTOLINK_STARTS = re.compile(r"(?i)(https?|ftp|mailto|xmpp|www)(?=[:.])|(?<=@)(?=\w)")
# A line break would end a Markdown paragraph or list item and let the next line start a heading or a list of its own.
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def defuse_autolinks(text: str) -> str:
    """The text with a word joiner where a URL or e-mail address starts, so nothing turns it into a link."""
    return AUTOLINK_STARTS.sub(lambda match: (match.group(1) or "") + WORD_JOINER, text)


def markdown(value) -> str:
    """Data as Markdown that shows exactly its text, on one line: no image, link, HTML, emphasis or directive."""
    text = LINE_BREAKS.sub(" ", str(value))
    # Autolinks first: once escaped, `http\\://` no longer looks like the start of one to the pattern.
    escaped = MARKDOWN_SYNTAX.sub(r"\\\1", defuse_autolinks(text))
    return BLOCK_START.sub(
        lambda match: f"{match.group(1)}{match.group(2)[:-1]}\\{match.group(2)[-1]}", escaped, count=1
    )


def plot(value):
    """Data as Plotly shows it literally, a line break as Plotly's: its <tags> would otherwise be markup or SVG links.

    Plotly reads a subset of HTML in every label, title and hover text (`<a href>`, `<b>`, `<br>`) and decodes entities,
    so escaping `&`, `<` and `>` is enough. Builders wrap long labels with "\n". Anything that is not text (a number, a
    date, None) is returned unchanged.
    """
    return html.escape(value, quote=False).replace("\n", "<br>") if isinstance(value, str) else value


def unplot(text: str) -> str:
    """A Plotly label back as one plain line, for alt text (an attribute, never markup)."""
    return html.unescape(text.replace("<br>", " "))
