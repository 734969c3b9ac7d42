"""The objects of a parsed PDF, judged one by one: every object the file holds,
not only what its pages draw. A picture can sit in an image object on a page, in a
form XObject nested to any depth, in an annotation's appearance, a pattern, a soft
mask or a page thumbnail; inline in a content stream; or hidden in any stream's
data or any string. Attachments, JavaScript and other active content are refused
too."""

import time

import pikepdf

from cases.filetypes.kinds import HEAD_BYTES
from cases.filetypes.pdf_parse import (
    PDF_ACTIVE,
    PDF_ATTACHMENTS,
    damaged,
    hidden_media,
    pdf_opened,
    pictures,
    standalone,
    too_complex,
)
from cases.filetypes.pdf_streams import Decoder, filter_names
from cases.filetypes.signatures import encoded_media_in, media_inside, never_a_document, svg
from common.errors import UnsupportedFileType

# Bounds on the work one upload may cause, so that a hostile PDF (millions of tiny
# objects, a compression bomb, deep nesting) cannot hang a worker or exhaust its
# memory. A genuine document of at most 10 MB stays far inside them.
MAX_OBJECTS = 100_000
MAX_ITEMS = 3_000_000  # dictionary entries and array items walked, all parses together
MAX_DECODED_BYTES = 128 * 1024 * 1024  # stream data decoded, all parses together
MAX_CONTENT_PARSE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 64
# Under the web worker's own 30-second timeout, so the uploader hears why.
MAX_SECONDS = 20.0

_IMAGE_FILTERS = {"/DCTDecode", "/DCT", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF"}
_MEDIA_SUBTYPES = {"/RichMedia", "/Movie", "/Sound", "/Screen", "/3D", "/U3D", "/PRC"}
_MEDIA_ACTIONS = {"/Movie", "/Sound", "/Rendition", "/RichMediaExecute", "/GoTo3DView"}
_ATTACHMENT_KEYS = {"/EF", "/RF", "/EmbeddedFiles", "/Collection"}
# The keys whose presence or value is judged; a dictionary with none of them (most
# are) costs one look at its keys.
_NAMED = {"/Type", "/Subtype", "/S"}
_JUDGED_KEYS = (
    _NAMED
    | _ATTACHMENT_KEYS
    | {"/Filter", "/Thumb", "/F", "/FFilter", "/Ref", "/JS", "/JavaScript", "/XFA"}
    | {"/RichMediaContent", "/PS", "/Contents", "/CharProcs", "/AP"}
)
# Streams that are never drawing instructions, so are not parsed as such (a font
# program could hold "BI" by chance).
_NOT_CONTENT_TYPES = {"/ObjStm", "/XRef", "/Metadata", "/CMap", "/EmbeddedFile"}
_NOT_CONTENT_KEYS = {"/Length1", "/Length2", "/Length3", "/FunctionType", "/N", "/CMapName"}
_DELIMITERS = frozenset(b"\x00\t\n\x0c\r ()<>[]{}/%")


def _inline_image_operator_in(data: bytes) -> bool:
    """Whether "BI" (begin inline image) stands as a token of its own in `data`."""
    at = data.find(b"BI")
    while at != -1:
        before = data[at - 1] if at else 32
        after = data[at + 2] if at + 2 < len(data) else 32
        if before in _DELIMITERS and after in _DELIMITERS:
            return True
        at = data.find(b"BI", at + 2)
    return False


def _dictionary_refusal(d, keys: set[str], *, stream: bool) -> UnsupportedFileType | None:
    """What a dictionary (or a stream's dictionary) carries that Tideline refuses."""
    named = {key: d.get(key) for key in keys & _NAMED}
    kind, subtype, action = (
        str(value) if isinstance(value, pikepdf.Name) else None
        for value in (named.get("/Type"), named.get("/Subtype"), named.get("/S"))
    )
    filters = set(filter_names(d.get("/Filter"))) if stream and "/Filter" in keys else set()
    if subtype == "/Image" or filters & _IMAGE_FILTERS:
        return pictures("a picture (an image object)")
    if "/Thumb" in keys:
        return pictures("a thumbnail picture of a page")
    if (
        kind in ("/EmbeddedFile", "/Collection")
        or keys & _ATTACHMENT_KEYS
        or subtype == "/FileAttachment"
    ):
        return UnsupportedFileType(PDF_ATTACHMENTS.format(what="files attached to it"))
    if (stream and keys & {"/F", "/FFilter"}) or (subtype == "/Form" and "/Ref" in keys):
        return UnsupportedFileType(
            PDF_ATTACHMENTS.format(what="content that is kept in another file")
        )
    if action == "/JavaScript" or keys & {"/JS", "/JavaScript"}:
        return UnsupportedFileType(PDF_ACTIVE.format(what="JavaScript"))
    if action == "/Launch":
        return UnsupportedFileType(
            PDF_ACTIVE.format(what="an action that starts another program (Launch)")
        )
    if action in ("/ImportData", "/GoToE"):
        return UnsupportedFileType(
            PDF_ACTIVE.format(what="an action that opens data from another file")
        )
    if "/XFA" in keys:
        return UnsupportedFileType(PDF_ACTIVE.format(what="an XFA form"))
    if (
        subtype in _MEDIA_SUBTYPES
        or action in _MEDIA_ACTIONS
        or kind in ("/Sound", "/Movie")
        or "/RichMediaContent" in keys
    ):
        return UnsupportedFileType(PDF_ACTIVE.format(what="embedded media (video, sound or 3D)"))
    if subtype == "/PS" or "/PS" in keys:
        return UnsupportedFileType(PDF_ACTIVE.format(what="PostScript code"))
    return None


class PdfJudge:
    """Judges the parsed PDFs of one upload within one budget."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + MAX_SECONDS
        self.items_left = MAX_ITEMS
        self.decoder = Decoder(MAX_DECODED_BYTES)
        # Streams that a viewer runs as drawing instructions, by object number and
        # generation, gathered from every parse (a page in one save may draw with a
        # stream written in another; marking too many only means parsing more).
        self.content_streams: set[tuple[int, int]] = set()

    def _tick(self, items: int = 1) -> None:
        self.items_left -= items
        if self.items_left < 0:
            raise too_complex("too many objects")
        if time.monotonic() > self.deadline:
            raise too_complex("it took too long to check")

    def page_contents_note(self, pdf: pikepdf.Pdf) -> None:
        """The content streams of the pages a viewer shows."""
        for page in pdf.pages:
            self._tick()
            self._roles_note(page.obj, set(page.obj.keys()))

    def judge(self, pdf: pikepdf.Pdf, *, written: set[int]) -> None:
        """Judge every object of `pdf`, a standalone copy of part of the file;
        `written` is the object numbers written in its bytes, each of which qpdf
        must have found."""
        try:
            found = {number for number, _ in pdf.get_xref_table()}
            if written - found:
                raise damaged()
            self._judge(pdf)
        except (pikepdf.PdfError, TypeError, ValueError, RuntimeError) as exc:
            # An object qpdf cannot read, or a value of the wrong kind where a number
            # or name belongs: parts that cannot be read cannot be checked.
            raise damaged() from exc

    def _judge(self, pdf: pikepdf.Pdf) -> None:
        objects = pdf.objects
        if len(objects) > MAX_OBJECTS:
            raise too_complex(f"more than {MAX_OBJECTS:,} objects")
        streams = []
        for obj in objects:
            self._tick()
            if isinstance(obj, pikepdf.Stream):
                keys = set(obj.stream_dict.keys())
                streams.append((obj, keys))
                self._dictionary_check(obj, keys, stream=True, depth=0)
            elif isinstance(obj, pikepdf.Object):
                self._walk(obj, depth=0)
        for stream, keys in streams:
            self._stream_check(stream, keys)

    # --- dictionaries, arrays and strings

    def _walk(self, obj: pikepdf.Object, *, depth: int) -> None:
        """An object and everything nested directly in it (the objects it refers to
        are judged as objects of their own)."""
        if isinstance(obj, pikepdf.Dictionary):
            self._dictionary_check(obj, set(obj.keys()), stream=False, depth=depth)
        elif isinstance(obj, pikepdf.Array):
            self._values_walk(list(obj), depth=depth)
        # Short strings (names, dates, identifiers) are too short to hold any
        # signature or encoded picture.
        elif isinstance(obj, pikepdf.String) and len(data := bytes(obj)) >= 8:
            self._bytes_check(data, start=False)

    def _dictionary_check(self, d, keys: set[str], *, stream: bool, depth: int) -> None:
        if keys & _JUDGED_KEYS:
            refusal = _dictionary_refusal(d, keys, stream=stream)
            if refusal:
                raise refusal
            self._roles_note(d, keys)
        self._values_walk(list(d.values()), depth=depth)

    def _values_walk(self, values: list, *, depth: int) -> None:
        if depth >= MAX_DEPTH:
            raise too_complex("objects nested too deeply")
        self._tick(len(values))
        for value in values:
            # Numbers come back as Python numbers; what refers to another object is
            # judged as that object.
            if isinstance(value, pikepdf.Object) and not value.is_indirect:
                self._walk(value, depth=depth + 1)

    def _roles_note(self, d, keys: set[str]) -> None:
        """A page's contents, a Type 3 font's glyphs and annotation appearances are
        drawing instructions (form XObjects and tiling patterns say so themselves)."""
        if "/Contents" in keys:
            contents = d.get("/Contents")
            for item in contents if isinstance(contents, pikepdf.Array) else [contents]:
                if isinstance(item, pikepdf.Stream):
                    self.content_streams.add(item.objgen)
        for key in ("/CharProcs", "/AP"):
            holder = d.get(key) if key in keys else None
            if not isinstance(holder, pikepdf.Dictionary):
                continue
            for value in holder.values():
                states = value.values() if isinstance(value, pikepdf.Dictionary) else [value]
                for state in states:
                    if isinstance(state, pikepdf.Stream):
                        self.content_streams.add(state.objgen)

    # --- streams

    def _stream_check(self, stream: pikepdf.Stream, keys: set[str]) -> None:
        self._tick()
        d = stream.stream_dict
        kind = str(d.get("/Type")) if "/Type" in keys else None
        data = self.decoder.decoded(stream, keys)
        self._bytes_check(data, start=kind not in ("/XRef", "/ObjStm"))
        content = (
            stream.objgen in self.content_streams
            or ("/Subtype" in keys and str(d.get("/Subtype")) == "/Form")
            or "/PatternType" in keys
        )
        if content or (kind not in _NOT_CONTENT_TYPES and not keys & _NOT_CONTENT_KEYS):
            self._inline_images_check(stream, data, content=content)
        if kind == "/ObjStm":
            self._object_stream_check(d, data)

    def _bytes_check(self, data: bytes, *, start: bool) -> None:
        if start:
            head = data[:HEAD_BYTES]
            looks_like = never_a_document(head) or ("an image (SVG)" if svg(head) else None)
            if looks_like:
                raise hidden_media(looks_like)
        looks_like = media_inside(data)
        if looks_like:
            raise hidden_media(looks_like)
        if len(data) >= 64 and encoded_media_in([data]):
            raise hidden_media("an encoded picture or video (such as base64 image data)")

    def _inline_images_check(self, stream: pikepdf.Stream, data: bytes, *, content: bool) -> None:
        if not _inline_image_operator_in(data):
            return
        if len(data) > MAX_CONTENT_PARSE_BYTES:
            raise too_complex("a page's drawing instructions are too long")
        try:
            instructions = pikepdf.parse_content_stream(stream, "BI ID EI")
        except (pikepdf.PdfError, TypeError, ValueError) as exc:
            # Drawing instructions that qpdf cannot parse may still draw in a lenient
            # viewer; any other stream that does not parse is not drawing instructions.
            if content:
                raise damaged() from exc
            return
        if any(isinstance(item, pikepdf.ContentStreamInlineImage) for item in instructions):
            raise pictures("a picture drawn directly in a page's instructions (an inline image)")

    def _object_stream_check(self, d, data: bytes) -> None:
        """The objects compressed in an object stream, written out as plain objects
        and judged in a PDF of their own: qpdf rebuilding a file does not look inside
        object streams, and this one may be listed nowhere."""
        count, first = int(d.get("/N")), int(d.get("/First"))
        header = data[:first].split()
        numbers = [int(token) for token in header[0 : 2 * count : 2]]
        offsets = [int(token) for token in header[1 : 2 * count : 2]]
        if count > MAX_OBJECTS or len(numbers) != count or len(offsets) != count:
            raise damaged()
        ends = [*offsets[1:], len(data) - first]
        body = b"".join(
            b"%d 0 obj\n%s\nendobj\n" % (number, data[first + start : first + end])
            for number, start, end in zip(numbers, offsets, ends, strict=True)
        )
        copy, written = standalone(body)
        with pdf_opened(copy) as pdf:
            self.judge(pdf, written=written)
