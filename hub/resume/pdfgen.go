package resume

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf16"
)

// Page layout of generated PDFs: A4 in points, with a title and body text
// set in the standard Helvetica fonts every PDF reader has built in.
const (
	pdfPageWidth    = 595
	pdfPageHeight   = 842
	pdfMargin       = 56
	pdfTitleSize    = 18
	pdfTitleLead    = 24
	pdfBodySize     = 11
	pdfBodyLead     = 14
	pdfTitleChars   = 48 // rough line lengths: Helvetica has no fixed width
	pdfBodyChars    = 88
	pdfFirstBodyGap = 12
)

// GeneratePDF returns a complete, valid one-page PDF showing title above
// lines of text. The seed command uses it to give demo candidates a resume
// that opens in any viewer, so integrations can be tried end to end without
// anyone supplying real files. Long lines are wrapped at word boundaries;
// text that does not fit on the page is left out. Characters outside the
// Windows-1252 repertoire of the standard fonts are shown as "?".
func GeneratePDF(title string, lines []string) []byte {
	var content bytes.Buffer
	y := pdfPageHeight - pdfMargin - pdfTitleSize
	show := func(font string, size, lead int, text string) bool {
		if y < pdfMargin {
			return false
		}
		if strings.TrimSpace(text) != "" {
			fmt.Fprintf(&content, "BT /%s %d Tf %d %d Td %s Tj ET\n", font, size, pdfMargin, y, pdfString(text))
		}
		y -= lead
		return true
	}
	for _, l := range wrapText(title, pdfTitleChars) {
		show("F2", pdfTitleSize, pdfTitleLead, l)
	}
	y -= pdfFirstBodyGap
	for _, line := range lines {
		for _, l := range wrapText(line, pdfBodyChars) {
			if !show("F1", pdfBodySize, pdfBodyLead, l) {
				break
			}
		}
	}

	info := "/Producer (visage-hub)"
	if title != "" {
		info = "/Title " + pdfTextString(title) + " " + info
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "+
			"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>", pdfPageWidth, pdfPageHeight),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.Bytes()),
		"<< " + info + " >>",
	}

	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, obj := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, obj)
	}
	// Each cross-reference entry is exactly 20 bytes, end of line included.
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n",
		len(objects)+1, len(objects), xref)
	return out.Bytes()
}

// wrapText splits text into lines of at most width characters, breaking at
// spaces where it can. Embedded line breaks start new lines and an empty
// string gives one empty line, so blank lines in the input are kept.
func wrapText(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line := []rune{}
		for _, word := range strings.Fields(para) {
			w := []rune(word)
			if len(line) > 0 && len(line)+1+len(w) > width {
				out = append(out, string(line))
				line = line[:0]
			}
			for len(w) > width { // a word longer than a line is cut
				out = append(out, string(w[:width]))
				w = w[width:]
			}
			if len(line) > 0 {
				line = append(line, ' ')
			}
			line = append(line, w...)
		}
		out = append(out, string(line))
	}
	return out
}

// pdfString encodes text as a PDF literal string in WinAnsiEncoding, the
// encoding declared for the fonts. Parentheses and backslashes are escaped
// and every byte outside printable ASCII is written in octal, so the file
// stays 7-bit clean.
func pdfString(text string) string {
	var b strings.Builder
	b.WriteByte('(')
	for _, r := range text {
		c := winAnsi(r)
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7F:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(')')
	return b.String()
}

// pdfTextString encodes text for the document information dictionary,
// where PDF allows UTF-16BE with a byte order mark: any title survives.
func pdfTextString(text string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(text)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteByte('>')
	return b.String()
}

// winAnsiHigh lists the characters Windows-1252 puts at 0x80-0x9F, where
// Latin-1 has control codes.
var winAnsiHigh = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E,
	'‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
	'˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// winAnsi maps r to its byte in WinAnsiEncoding, or "?" if it has none.
func winAnsi(r rune) byte {
	switch {
	case r == '\t':
		return ' '
	case r >= 0x20 && r < 0x7F, r >= 0xA0 && r <= 0xFF:
		return byte(r)
	}
	if c, ok := winAnsiHigh[r]; ok {
		return c
	}
	return '?'
}
