"""A corpus of hostile inputs and a checker for executable markup in rendered HTML."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">clic</a>',
    "<iframe src=javascript:alert(1)></iframe>",
    "</textarea><script>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "{{ 7|add:7 }}{% debug %}",
    "'; DROP TABLE plans_activity; --",
    '" OR "1"="1',
    "\x01\x07\x1b[31m control \x7f",  # NUL cannot be stored in PostgreSQL; forms refuse it (see below)
    "\u202eevil\u202c \ufeff zero\u200bwidth",
    "<!-- unclosed comment",
    "]]><![CDATA[<script>alert(1)</script>",
    "<scr\tipt>alert(1)</scr\tipt>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "😀 Ñandú — «comillas» & ampersand",
    "A" * 5000,
    "<b>negrita</b> <i>cursiva</i> <u>u</u>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<video><source onerror=alert(1)></video>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<base href=javascript:alert(1)//>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<table background=javascript:alert(1)>",
]
WRAPPERS = [
    "{}",
    "Actividad {}",
    "{} fin",
    '"{}"',
    "'{}'",
    "\n{}\n",
    "\t{}\t",
    "({})",
    "{}{}",
    "<p>{}</p>",
    "x{}y",
    "  {}  ",
    "Q.{} 16,000.00",
]


def corpus(size: int = 500) -> list[str]:
    """``size`` hostile strings: every payload in several wrappers."""
    combos = (wrapper.format(payload, payload) for wrapper, payload in itertools.product(WRAPPERS, PAYLOADS))
    return list(itertools.islice(combos, size))


class ExecutableMarkupFinder(HTMLParser):
    """Collects anything a browser could execute that the application did not put there itself."""

    DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset"}
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        own_script = (attributes.get("src") or "").startswith(("/static/", "/admin/jsi18n/"))
        if tag == "script" and not own_script and attributes.get("type") != "application/json":
            self.problems.append(f"inline script: {attrs}")
        if tag in self.DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("meta refresh")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name in self.URL_ATTRIBUTES and value:
                compact = "".join(value.split()).lower()
                if compact.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"{name}={value!r} on <{tag}>")
            if name == "style" and value and "javascript:" in value.lower():
                self.problems.append(f"style with javascript on <{tag}>")

    handle_startendtag = handle_starttag


def executable_markup(html: str) -> list[str]:
    finder = ExecutableMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.problems
