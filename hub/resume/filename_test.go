package resume

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSanitizeFilename(t *testing.T) {
	tests := []struct {
		name string
		in   string
		kind Kind
		want string
	}{
		{"plain", "cv.pdf", KindPDF, "cv.pdf"},
		{"unix path traversal", "../../etc/passwd", KindPDF, "passwd.pdf"},
		{"windows path", `C:\Users\x\cv.pdf`, KindPDF, "cv.pdf"},
		{"mixed separators", `a/b\c/Zoë CV.docx`, KindDOCX, "Zoë CV.docx"},
		{"trailing slash", "resumes/", KindPDF, "resume.pdf"},
		{"double quotes", `my "best" cv.pdf`, KindPDF, "my _best_ cv.pdf"},
		{"apostrophe kept", "O'Brien CV.pdf", KindPDF, "O'Brien CV.pdf"},
		{"semicolon", "cv;rm -rf.pdf", KindPDF, "cv_rm -rf.pdf"},
		{"header injection", "cv\r\nSet-Cookie: a=b.pdf", KindPDF, "cv Set-Cookie_ a=b.pdf"},
		{"NUL byte", "cv\x00.pdf", KindPDF, "cv.pdf"},
		{"NUL before a lying extension", "cv.pdf\x00.exe", KindPDF, "cv.pdf"},
		{"windows-unsafe characters", `a:b*c?<d>|e.pdf`, KindPDF, "a_b_c__d__e.pdf"},
		{"whitespace collapsed", "  lots \t of\u00a0\u00a0space .pdf", KindPDF, "lots of space.pdf"},
		{"unicode name", "Zoë Šimek CV.pdf", KindPDF, "Zoë Šimek CV.pdf"},
		{"decomposed unicode kept", "Zoe\u0308.pdf", KindPDF, "Zoe\u0308.pdf"},
		{"CJK name", "简历.docx", KindDOCX, "简历.docx"},
		{"right-to-left override removed", "cv\u202Efdp.exe", KindPDF, "cvfdp.pdf"},
		{"zero-width space removed", "c\u200Bv.pdf", KindPDF, "cv.pdf"},
		{"invalid UTF-8 dropped", "cv\xff\xfe.pdf", KindPDF, "cv.pdf"},
		{"extension only", ".pdf", KindPDF, "resume.pdf"},
		{"empty", "", KindTXT, "resume.txt"},
		{"dots only", "...", KindPDF, "resume.pdf"},
		{"spaces only", "   ", KindRTF, "resume.rtf"},
		{"hidden file", ".bashrc", KindTXT, "bashrc.txt"},
		{"trailing dots and spaces", "cv.pdf. . .", KindPDF, "cv.pdf"},
		{"upper-case extension", "CV.PDF", KindPDF, "CV.pdf"},
		{"lying executable extension", "cv.exe", KindPDF, "cv.pdf"},
		{"double extension", "cv.pdf.exe", KindPDF, "cv.pdf"},
		{"repeated extension", "cv.pdf.pdf.PDF", KindPDF, "cv.pdf"},
		{"docx that is really a doc", "cv.docx", KindDOC, "cv.doc"},
		{"pdf that is really text", "cv.pdf", KindTXT, "cv.txt"},
		{"no extension", "resume", KindRTF, "resume.rtf"},
		{"dot in a name is not an extension", "J.Smith", KindPDF, "J.Smith.pdf"},
		{"version number is not an extension", "Resume v2.1", KindDOCX, "Resume v2.1.docx"},
		{"reserved device name", "CON.pdf", KindPDF, "_CON.pdf"},
		{"reserved name with inner dot", "nul.backup.txt", KindTXT, "_nul.backup.txt"},
		{"reserved-looking longer name", "CONSOLE.pdf", KindPDF, "CONSOLE.pdf"},
		{"unknown kind", "cv.pdf", KindUnknown, "cv.bin"},
		{"very long ASCII", strings.Repeat("a", 300) + ".pdf", KindPDF, strings.Repeat("a", 116) + ".pdf"},
		{"very long multi-byte", strings.Repeat("€", 100) + ".pdf", KindPDF, strings.Repeat("€", 38) + ".pdf"},
		{"cut leaves a trailing space", strings.Repeat("a", 115) + " b.pdf", KindPDF, strings.Repeat("a", 115) + ".pdf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := SanitizeFilename(tc.in, tc.kind)
			if got != tc.want {
				t.Errorf("SanitizeFilename(%q, %v) = %q; want %q", tc.in, tc.kind, got, tc.want)
			}
			checkSafeFilename(t, got, tc.kind)
		})
	}
}

// checkSafeFilename asserts what every result must satisfy, whatever the
// input.
func checkSafeFilename(t *testing.T, got string, k Kind) {
	t.Helper()
	switch {
	case !utf8.ValidString(got):
		t.Errorf("%q is not valid UTF-8", got)
	case len(got) > maxFilename:
		t.Errorf("%q is %d bytes; the cap is %d", got, len(got), maxFilename)
	case !strings.HasSuffix(got, "."+k.Ext()):
		t.Errorf("%q does not end with .%s", got, k.Ext())
	case strings.HasPrefix(got, ".") || strings.HasPrefix(got, " "):
		t.Errorf("%q starts with a dot or space", got)
	case strings.ContainsAny(got, unsafeFilenameChars):
		t.Errorf("%q contains an unsafe character", got)
	case strings.Contains(got, "  "):
		t.Errorf("%q has uncollapsed spaces", got)
	}
	for _, r := range got {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (unicode.IsSpace(r) && r != ' ') {
			t.Errorf("%q contains %U", got, r)
		}
	}
	if again := SanitizeFilename(got, k); again != got {
		t.Errorf("not idempotent: %q became %q", got, again)
	}
}

func TestTruncateUTF8(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"short enough", "abc", 5, "abc"},
		{"ASCII cut", "abcdef", 3, "abc"},
		{"cut inside a two-byte rune", "aë", 2, "a"},
		{"cut after a two-byte rune", "aëb", 3, "aë"},
		{"cut inside a four-byte rune", "a😀", 4, "a"},
		{"zero", "abc", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := truncateUTF8(tc.in, tc.n); got != tc.want {
				t.Errorf("truncateUTF8(%q, %d) = %q; want %q", tc.in, tc.n, got, tc.want)
			}
		})
	}
}
