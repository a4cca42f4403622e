"""Finding English a user can see on a Chinese page, judged by the message catalogues.

The English vocabulary is what the catalogues say in English: the msgids of the project's
django.po (translated or not) and of the catalogues of Django and the installed apps. Words
that the Chinese translations themselves keep (PDF, Excel, API, URL…) are not English to a
Chinese reader and are left out. A chunk of visible text is reported when, after the data
shown on the page (names, numbers, plates…) is taken out, it is or contains an English msgid
as a whole phrase, or most of its words are catalogue words.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.apps import apps
from django.conf import settings

WORD = re.compile(r"[A-Za-z][A-Za-z']+")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]*>")
# Runs of text without a non-ASCII character: a phrase does not run across Chinese text.
ASCII_RUN = re.compile(r"[\x00-\x7f]+")
LONGEST_PHRASE = 12
WEB_ADDRESS = re.compile(r"https?://\S+")
# Chunks break at every tag except these.
INLINE = {"a", "abbr", "b", "bdi", "cite", "code", "em", "i", "kbd", "mark", "q", "s", "small",
          "span", "strong", "sub", "sup", "time", "u", "var", "wbr"}  # fmt: skip
HIDDEN = {"script", "style", "template", "noscript", "svg"}
TEXT_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label"}


# ---- The catalogues --------------------------------------------------------------------------


def parse_po(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) of each entry of a .po file; plural forms give each of their msgids."""
    entries, entry, key = [], {}, None

    def flush():
        if entry.get("msgid"):
            translation = entry.get("msgstr", "") or entry.get("msgstr[0]", "")
            entries.append((entry["msgid"], translation))
            if entry.get("msgid_plural"):
                entries.append((entry["msgid_plural"], entry.get("msgstr[1]", translation)))

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line and entry:
                flush()
                entry, key = {}, None
            continue
        if line.startswith('"'):
            entry[key] = entry.get(key, "") + ast.literal_eval(line)
            continue
        name, _, value = line.partition(" ")
        if name == "msgctxt" or (name == "msgid" and "msgid" in entry):
            flush()
            entry = {}
        key = name
        entry[key] = ast.literal_eval(value)
    flush()
    return entries


def parse_mo(path: Path) -> list[tuple[str, str]]:
    with path.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)._catalog
    pairs = []
    for key, translation in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            pairs.append((msgid.rpartition("\x04")[2], translation))
    return pairs


def catalogue_files() -> list[Path]:
    """The project's django.po, then one catalogue per installed app and Django's own."""
    files = [Path(p) / "zh_Hans" / "LC_MESSAGES" / "django.po" for p in settings.LOCALE_PATHS]
    roots = [Path(apps.get_app_config("admin").path).parents[1] / "conf"]
    roots += [Path(c.path) for c in apps.get_app_configs() if not c.name.startswith("kesu.")]
    for root in roots:
        candidates = sorted((root / "locale").glob("*/LC_MESSAGES/django.mo"))
        # The Chinese catalogue when there is one; the msgids are the same in every language.
        chinese = sorted(
            (p for p in candidates if p.parts[-3] in ("zh_Hans", "zh_CN")),
            key=lambda p: p.parts[-3] != "zh_Hans",
        )
        if chinese or candidates:
            files.append((chinese or candidates)[0])
    return [p for p in files if p.exists()]


@dataclass
class Catalogue:
    msgids: set[str] = field(default_factory=set)  # whitespace-normalised, lower case
    phrases: set[tuple[str, ...]] = field(default_factory=set)  # two words or more
    vocabulary: set[str] = field(default_factory=set)

    @classmethod
    def from_pairs(cls, pairs) -> "Catalogue":
        catalogue, kept = cls(), set()
        for msgid, translation in pairs:
            kept.update(w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", translation)))
            text = " ".join(msgid.split())
            if not WORD.search(text):
                continue
            catalogue.msgids.add(text.lower())
            catalogue.vocabulary.update(w.lower() for w in WORD.findall(text))
            for segment in PLACEHOLDER.split(text):
                words = tuple(w.lower() for w in WORD.findall(segment))
                if 2 <= len(words) <= LONGEST_PHRASE:
                    catalogue.phrases.add(words)
        catalogue.vocabulary -= kept
        catalogue.msgids = {m for m in catalogue.msgids if set(_words(m)) - kept}
        catalogue.phrases = {p for p in catalogue.phrases if set(p) - kept}
        return catalogue


@cache
def project_catalogue() -> Catalogue:
    pairs = []
    for path in catalogue_files():
        pairs += parse_po(path) if path.suffix == ".po" else parse_mo(path)
    return Catalogue.from_pairs(pairs)


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


# ---- The page --------------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._current: list[str] = []
        self._hidden = 0
        self._data: list[str] = []  # open elements marked translate="no": data, not wording

    def _break(self):
        text = " ".join("".join(self._current).split())
        if text:
            self.chunks.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag not in INLINE:
            self._break()
        if tag in HIDDEN:
            self._hidden += 1
            return
        attrs = dict(attrs)
        if self._data or attrs.get("translate") == "no":
            self._data.append(tag)
            return
        if self._hidden:
            return
        for name in TEXT_ATTRIBUTES:
            if attrs.get(name):
                self.chunks.append(" ".join(attrs[name].split()))
        button = tag == "input" and attrs.get("type") in ("submit", "button", "reset")
        if button and attrs.get("value"):
            self.chunks.append(attrs["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self._data and self._data[-1] == tag:
            self._data.pop()
        if tag in HIDDEN:
            self._hidden -= 1

    def handle_endtag(self, tag):
        if tag in self._data:
            while self._data.pop() != tag:
                pass
        elif self._data:
            if tag in HIDDEN and self._hidden:
                self._hidden -= 1
            return
        if tag not in INLINE:
            self._break()
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and not self._data:
            self._current.append(data)

    def close(self):
        super().close()
        self._break()


def visible_text(html: str) -> list[str]:
    """The text a reader sees, in chunks: text between block tags, and the text attributes."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.chunks


# ---- The judgement ---------------------------------------------------------------------------


class DataStripper:
    """Takes the data of the page (names, numbers… from the database) out of a text."""

    def __init__(self, values):
        # As the page shows them: runs of white space (a template's line breaks) as one space.
        values = sorted({" ".join(v.split()) for v in values if v and len(v.strip()) >= 2}, key=len)
        alternatives = "|".join(re.escape(v) for v in reversed(values))
        self._pattern = (
            re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])") if values else None
        )

    def __call__(self, text: str) -> str:
        return self._pattern.sub(" ", text) if self._pattern else text


def english_in(chunk: str, catalogue: Catalogue, strip=lambda text: text) -> str | None:
    """Why this chunk of a Chinese page is English, or None when it is not."""
    text = " ".join(strip(chunk).split())
    words = _words(text)
    if not words:
        return None
    if text.lower().strip(" .:：,，;()（）") in catalogue.msgids:
        return "is a msgid"
    for run in ASCII_RUN.findall(text):
        run_words = _words(run)
        for size in range(min(len(run_words), LONGEST_PHRASE), 1, -1):
            for start in range(len(run_words) - size + 1):
                phrase = tuple(run_words[start : start + size])
                if phrase in catalogue.phrases:
                    return f"contains the msgid phrase “{' '.join(phrase)}”"
    known = [w for w in words if w in catalogue.vocabulary]
    if known and 2 * len(known) > len(words):
        return f"mostly catalogue words ({', '.join(known)})"
    return None


def english_chunks(html: str, catalogue: Catalogue, strip=lambda text: text) -> list[tuple]:
    """(chunk, why) for each chunk of visible English on the page."""
    found = []
    for chunk in visible_text(html):
        # A web address (the handling notice's link to the customer portal) is not English.
        # Nor is a template's placeholder ({name}) shown in a help text.
        # (after the data is taken out: a template kept as data holds placeholders too).
        why = english_in(
            WEB_ADDRESS.sub(" ", chunk), catalogue, lambda text: PLACEHOLDER.sub(" ", strip(text))
        )
        if why:
            found.append((chunk, why))
    return found
