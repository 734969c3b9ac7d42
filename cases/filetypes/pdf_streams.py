"""A PDF stream's data, decoded within a budget shared by the whole upload, so a
compression bomb is refused before it is expanded, never after. Decoded here
rather than by qpdf, which would expand a bomb in full before answering."""

import base64
import binascii
import re
import zlib
from typing import Any

import pikepdf

from cases.filetypes.pdf_parse import PDF_WHITESPACE, damaged, too_complex

_FLATE = {"/FlateDecode", "/Fl"}
_HEX = {"/ASCIIHexDecode", "/AHx"}
_A85 = {"/ASCII85Decode", "/A85"}
_RUN_LENGTH = {"/RunLengthDecode", "/RL"}
_LZW = {"/LZWDecode", "/LZW"}
_CHUNK = 64 * 1024


def filter_names(value) -> list[str]:
    if isinstance(value, pikepdf.Name):
        return [str(value)]
    if isinstance(value, pikepdf.Array):
        return [str(item) for item in value if isinstance(item, pikepdf.Name)]
    return []


class Decoder:
    def __init__(self, budget: int) -> None:
        self.left = budget

    def _spend(self, size: int) -> None:
        if size > self.left:
            raise too_complex("its compressed data expands too far")
        self.left -= size

    def decoded(self, stream: pikepdf.Stream, keys: set[str]) -> bytes:
        """The stream's data with its filters undone (image filters are refused
        before this is asked)."""
        filters = filter_names(stream.get("/Filter")) if "/Filter" in keys else []
        given = stream.get("/DecodeParms") if "/DecodeParms" in keys else None
        parameters = (list(given) if isinstance(given, pikepdf.Array) else [given]) + [None] * len(
            filters
        )
        try:
            data = stream.read_raw_bytes()
        except pikepdf.PdfError as exc:
            raise damaged() from exc
        predictor = False
        for name, parameter in zip(filters, parameters, strict=False):
            dictionary: Any = parameter if isinstance(parameter, pikepdf.Dictionary) else {}
            predictor = predictor or int(dictionary.get("/Predictor", 1)) > 1
            if name in _FLATE:
                data = self._inflate(data)
            elif name in _HEX:
                data = _unhex(data)
            elif name in _A85:
                data = _unascii85(data)
            elif name in _RUN_LENGTH:
                data = self._run_length(data)
            elif name in _LZW:
                data = self._lzw(data, early_change=int(dictionary.get("/EarlyChange", 1)))
            elif name != "/Crypt":
                raise damaged()
        if predictor:
            # Its size is known to be within the budget now; qpdf undoes the PNG or
            # TIFF predictor, which never makes data longer.
            try:
                data = stream.read_bytes()
            except pikepdf.PdfError as exc:
                raise damaged() from exc
        return data

    def _inflate(self, data: bytes) -> bytes:
        decompressor = zlib.decompressobj()
        out = bytearray()
        for start in range(0, len(data), _CHUNK):
            try:
                piece = decompressor.decompress(data[start : start + _CHUNK], self.left + 1)
            except zlib.error:
                # As qpdf does, keep what decoded before the damage; the raw bytes
                # after it are judged with the rest of the file's bytes.
                break
            self._spend(len(piece))
            out += piece
            if decompressor.unconsumed_tail:
                raise too_complex("its compressed data expands too far")
            if decompressor.eof:
                break
        return bytes(out)

    def _run_length(self, data: bytes) -> bytes:
        out = bytearray()
        index = 0
        while index < len(data) and data[index] != 128:
            length = data[index]
            piece = (
                data[index + 1 : index + 2 + length]
                if length < 128
                else data[index + 1 : index + 2] * (257 - length)
            )
            self._spend(len(piece))
            out += piece
            index += length + 2 if length < 128 else 2
        return bytes(out)

    def _lzw(self, data: bytes, *, early_change: int) -> bytes:
        out = bytearray()
        table = [bytes([n]) for n in range(256)] + [b"", b""]
        width, bits, buffer, previous = 9, 0, 0, b""
        for byte in data:
            buffer, bits = ((buffer << 8) | byte) & 0xFFFFFF, bits + 8
            while bits >= width:
                bits -= width
                code = (buffer >> bits) & ((1 << width) - 1)
                if code == 256:  # clear the table
                    table, width, previous = table[:258], 9, b""
                    continue
                if code == 257:  # end of data
                    return bytes(out)
                if code < len(table):
                    entry = table[code]
                elif previous:
                    entry = previous + previous[:1]
                else:
                    raise damaged()
                if previous:
                    table.append(previous + entry[:1])
                self._spend(len(entry))
                out += entry
                previous = entry
                if len(table) + early_change >= (1 << width) and width < 12:
                    width += 1
        return bytes(out)


def _unhex(data: bytes) -> bytes:
    digits = re.sub(rb"[\x00\t\n\x0c\r ]", b"", data.partition(b">")[0])
    if len(digits) % 2:
        digits += b"0"
    try:
        return binascii.unhexlify(digits)
    except binascii.Error as exc:
        raise damaged() from exc


def _unascii85(data: bytes) -> bytes:
    body = data.strip(PDF_WHITESPACE).removeprefix(b"<~").partition(b"~>")[0]
    try:
        return base64.a85decode(body, ignorechars=PDF_WHITESPACE)
    except ValueError as exc:
        raise damaged() from exc
