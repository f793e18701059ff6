package resume

import (
	"strings"
	"unicode"
)

// ContentDisposition is the header value to serve a resume with. It always
// says "attachment", so a browser downloads the file instead of rendering
// it on the hub's origin, and carries the name twice as RFC 6266 advises: an
// ASCII-only filename for old clients, and filename* (RFC 8187, formerly
// RFC 5987) with the exact UTF-8 name for everyone else, so "Zoë Šimek
// CV.pdf" survives the trip. Any input is made safe, including line breaks
// that would otherwise split the header; an empty name gives "attachment".
func ContentDisposition(filename string) string {
	filename = strings.ToValidUTF8(filename, "")
	if filename == "" {
		return "attachment"
	}
	return `attachment; filename="` + asciiFallback(filename) + `"; filename*=UTF-8''` + encodeExtValue(filename)
}

// asciiFallback spells filename in printable ASCII for the quoted filename
// parameter. Latin letters lose their accents rather than become "_", so
// old clients still show a recognisable name. Quotes and backslashes are
// replaced instead of escaped, because clients disagree on escapes, and so
// is "%", which some clients would percent-decode (RFC 6266, appendix D).
func asciiFallback(filename string) string {
	var b strings.Builder
	for _, r := range filename {
		switch {
		case r == '"' || r == '\\' || r == '%':
			b.WriteByte('_')
		case r >= 0x20 && r < 0x7F:
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			// Combining accents, as in the decomposed names macOS sends.
		default:
			if s := foldLatin(r); s != "" {
				b.WriteString(s)
			} else {
				b.WriteByte('_')
			}
		}
	}
	return b.String()
}

// encodeExtValue percent-encodes s as the value-chars of an RFC 8187
// ext-value: every byte outside attr-char becomes %XX.
func encodeExtValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAttrChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0x0F])
	}
	return b.String()
}

// isAttrChar reports whether c may appear unencoded in an ext-value
// (RFC 8187, section 3.2.1).
func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// latinFolds maps ranges of Latin-1 Supplement and Latin Extended-A letters
// (the accented letters of European names) to their unaccented base. Case
// is taken from the letter itself.
var latinFolds = []struct {
	lo, hi rune
	base   string
}{
	{0xC0, 0xC5, "a"}, {0xC6, 0xC6, "ae"}, {0xC7, 0xC7, "c"}, {0xC8, 0xCB, "e"},
	{0xCC, 0xCF, "i"}, {0xD0, 0xD0, "d"}, {0xD1, 0xD1, "n"}, {0xD2, 0xD6, "o"},
	{0xD8, 0xD8, "o"}, {0xD9, 0xDC, "u"}, {0xDD, 0xDD, "y"}, {0xDE, 0xDE, "th"},
	{0xDF, 0xDF, "ss"}, {0xE0, 0xE5, "a"}, {0xE6, 0xE6, "ae"}, {0xE7, 0xE7, "c"},
	{0xE8, 0xEB, "e"}, {0xEC, 0xEF, "i"}, {0xF0, 0xF0, "d"}, {0xF1, 0xF1, "n"},
	{0xF2, 0xF6, "o"}, {0xF8, 0xF8, "o"}, {0xF9, 0xFC, "u"}, {0xFD, 0xFD, "y"},
	{0xFE, 0xFE, "th"}, {0xFF, 0xFF, "y"},
	{0x100, 0x105, "a"}, {0x106, 0x10D, "c"}, {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"},
	{0x11C, 0x123, "g"}, {0x124, 0x127, "h"}, {0x128, 0x131, "i"}, {0x132, 0x133, "ij"},
	{0x134, 0x135, "j"}, {0x136, 0x138, "k"}, {0x139, 0x142, "l"}, {0x143, 0x14B, "n"},
	{0x14C, 0x151, "o"}, {0x152, 0x153, "oe"}, {0x154, 0x159, "r"}, {0x15A, 0x161, "s"},
	{0x162, 0x167, "t"}, {0x168, 0x173, "u"}, {0x174, 0x175, "w"}, {0x176, 0x178, "y"},
	{0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"},
}

// foldLatin returns the unaccented spelling of an accented Latin letter, or
// "" when r is not one.
func foldLatin(r rune) string {
	for _, f := range latinFolds {
		if f.lo <= r && r <= f.hi {
			if unicode.IsUpper(r) {
				return strings.ToUpper(f.base)
			}
			return f.base
		}
	}
	return ""
}
