package resume

import (
	"bytes"
	"encoding/binary"
	"unicode"
	"unicode/utf8"
)

// pdfWindow is how far into a file the PDF header may start. ISO 32000 puts
// it at byte 0, but Acrobat and most readers accept it within the first
// 1024 bytes, and some mail gateways and scanners do prepend a few bytes.
const pdfWindow = 1024

// Magic numbers at offset 0.
var (
	magicOLE    = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicZip    = []byte("PK\x03\x04")
	magicRTF    = []byte(`{\rtf`)
	magicPDF    = []byte("%PDF-")
	magicUTF8   = []byte{0xEF, 0xBB, 0xBF}
	magicUTF16L = []byte{0xFF, 0xFE}
	magicUTF16B = []byte{0xFE, 0xFF}
)

// signature maps a prefix to the words used when refusing the file.
type signature struct {
	prefix []byte
	what   string
}

// Programs, checked before anything else. None of these prefixes can start
// an accepted file.
var executableSignatures = []signature{
	{[]byte("\x7fELF"), "an ELF executable (Linux or Unix program)"},
	{[]byte{0xFE, 0xED, 0xFA, 0xCE}, "a Mach-O executable (macOS program)"},
	{[]byte{0xFE, 0xED, 0xFA, 0xCF}, "a Mach-O executable (macOS program)"},
	{[]byte{0xCE, 0xFA, 0xED, 0xFE}, "a Mach-O executable (macOS program)"},
	{[]byte{0xCF, 0xFA, 0xED, 0xFE}, "a Mach-O executable (macOS program)"},
	{[]byte{0xCA, 0xFE, 0xBA, 0xBE}, "a Mach-O universal binary or Java class file"},
}

// Other formats people upload by mistake, named so the uploader learns what
// they sent instead of reading a generic refusal.
var refusedSignatures = []signature{
	{[]byte("PK\x05\x06"), "an empty zip archive"},
	{[]byte("PK\x07\x08"), "a split zip archive"},
	{[]byte("\x89PNG\r\n\x1a\n"), "a PNG image"},
	{[]byte{0xFF, 0xD8, 0xFF}, "a JPEG image"},
	{[]byte("GIF87a"), "a GIF image"},
	{[]byte("GIF89a"), "a GIF image"},
	{[]byte{0x1F, 0x8B}, "a gzip archive"},
	{[]byte("7z\xBC\xAF\x27\x1C"), "a 7-Zip archive"},
	{[]byte("Rar!\x1A\x07"), "a RAR archive"},
}

// Detect decides from its content whether data is a resume the hub accepts,
// and in which format. The name and declared type of an upload are never
// trusted: a program renamed cv.pdf is still a program. It returns ErrEmpty,
// ErrTooLarge, or an error wrapping ErrUnsupported whose message says what
// the file appears to be.
func Detect(data []byte) (Kind, error) {
	switch {
	case len(data) == 0:
		return KindUnknown, ErrEmpty
	case len(data) > MaxSize:
		return KindUnknown, ErrTooLarge
	}
	if what := executable(data); what != "" {
		return KindUnknown, unsupported(what)
	}
	switch {
	case bytes.HasPrefix(data, magicOLE):
		return detectOLE(data)
	case bytes.HasPrefix(data, magicZip):
		return detectZip(data)
	case bytes.HasPrefix(data, magicRTF):
		return KindRTF, nil
	case hasPDFHeader(data):
		return KindPDF, nil
	}
	for _, s := range refusedSignatures {
		if bytes.HasPrefix(data, s.prefix) {
			return KindUnknown, unsupported(s.what)
		}
	}
	return detectText(data)
}

// executable recognises programs and scripts, the uploads most likely to be
// an attack, and says what they are; it returns "" for anything else.
func executable(data []byte) string {
	body := bytes.TrimPrefix(data, magicUTF8)
	switch {
	case bytes.HasPrefix(body, []byte("#!")):
		return "a script (it starts with #!)"
	case bytes.HasPrefix(data, []byte("MZ")):
		return dosExecutable(data)
	}
	for _, s := range executableSignatures {
		if bytes.HasPrefix(data, s.prefix) {
			return s.what
		}
	}
	return ""
}

// dosExecutable tells an MZ executable from a text file that merely starts
// with the letters "MZ": a real one has a PE signature where its header
// points, or at least binary bytes in its 64-byte DOS header.
func dosExecutable(data []byte) string {
	if len(data) >= 0x40 {
		off := int64(binary.LittleEndian.Uint32(data[0x3C:]))
		if off+4 <= int64(len(data)) && bytes.Equal(data[off:off+4], []byte("PE\x00\x00")) {
			return "a Windows executable"
		}
	}
	for _, b := range data[:min(len(data), 0x40)] {
		if b < 0x20 && !allowedControl(rune(b)) {
			return "a DOS or Windows executable"
		}
	}
	return ""
}

// hasPDFHeader looks for "%PDF-" followed by a version number ("1.7",
// "2.0") within the first pdfWindow bytes.
func hasPDFHeader(data []byte) bool {
	head := data[:min(len(data), pdfWindow)]
	for off := 0; ; {
		i := bytes.Index(head[off:], magicPDF)
		if i < 0 {
			return false
		}
		v := off + i + len(magicPDF)
		if v+3 <= len(data) && isDigit(data[v]) && data[v+1] == '.' && isDigit(data[v+2]) {
			return true
		}
		off += i + 1
	}
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// allowedControl lists the control characters plain text may contain: tab,
// line feed, carriage return and form feed (a page break in old exports).
func allowedControl(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r == '\f'
}

// detectText accepts UTF-8 text, with or without a byte order mark. Text in
// other encodings is refused rather than guessed at: the file is served as
// UTF-8, and a guess would show a recruiter mojibake.
func detectText(data []byte) (Kind, error) {
	if bytes.HasPrefix(data, magicUTF16L) || bytes.HasPrefix(data, magicUTF16B) {
		return KindUnknown, unsupported("UTF-16 text; save it as UTF-8 text")
	}
	body := bytes.TrimPrefix(data, magicUTF8)
	if bytes.IndexByte(body, 0) >= 0 {
		return KindUnknown, unsupported("a binary file of an unrecognised type")
	}
	if !utf8.Valid(body) {
		return KindUnknown, unsupported("text that is not UTF-8; save it as UTF-8 text")
	}
	blank := true
	for _, r := range string(body) {
		if unicode.IsControl(r) && !allowedControl(r) {
			return KindUnknown, unsupported("not plain text (it contains control characters)")
		}
		if blank && !unicode.IsSpace(r) && r != '\uFEFF' {
			blank = false
		}
	}
	if blank {
		return KindUnknown, &refusal{detail: "the file contains no text", kind: ErrEmpty}
	}
	return KindTXT, nil
}
