package resume

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// checkPDFStructure verifies what a reader relies on to open the file
// without repairing it: startxref points at the xref table, every xref
// entry is 20 bytes and points at its "N 0 obj" line, and the content
// stream's /Length is exact. It returns the content stream.
func checkPDFStructure(t *testing.T, pdf []byte) string {
	t.Helper()
	m := regexp.MustCompile(`\nstartxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatalf("no startxref trailer at the end")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if xref >= len(pdf) || !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	head := regexp.MustCompile(`^xref\n0 (\d+)\n`).FindSubmatch(pdf[xref:])
	size, _ := strconv.Atoi(string(head[1]))
	entries := pdf[xref+len(head[0]):]
	if len(entries) < 20*size {
		t.Fatalf("xref table shorter than its %d entries", size)
	}
	if got := string(entries[:20]); got != "0000000000 65535 f \n" {
		t.Errorf("entry 0 = %q", got)
	}
	for i := 1; i < size; i++ {
		e := string(entries[20*i : 20*(i+1)])
		if !regexp.MustCompile(`^\d{10} 00000 n \n$`).MatchString(e) {
			t.Fatalf("entry %d = %q is not a 20-byte in-use entry", i, e)
		}
		off, _ := strconv.Atoi(e[:10])
		if want := fmt.Sprintf("%d 0 obj\n", i); !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("entry %d points at %q; want %q", i, pdf[off:min(off+12, len(pdf))], want)
		}
	}
	if !bytes.Contains(pdf, []byte(fmt.Sprintf("/Size %d ", size))) {
		t.Errorf("trailer /Size does not match the %d xref entries", size)
	}
	s := regexp.MustCompile(`/Length (\d+) >>\nstream\n`).FindSubmatchIndex(pdf)
	if s == nil {
		t.Fatalf("no content stream")
	}
	n, _ := strconv.Atoi(string(pdf[s[2]:s[3]]))
	start := s[1]
	if !bytes.HasPrefix(pdf[start+n:], []byte("\nendstream")) {
		t.Errorf("/Length %d does not end where endstream starts", n)
	}
	return string(pdf[start : start+n])
}

func TestGeneratePDF(t *testing.T) {
	long := strings.Repeat("word ", 40)
	many := make([]string, 200)
	for i := range many {
		many[i] = fmt.Sprintf("line %d", i)
	}
	tests := []struct {
		name    string
		title   string
		lines   []string
		want    []string // substrings of the content stream
		notWant []string
	}{
		{name: "simple", title: "Jane Doe", lines: []string{"Senior Engineer", "Berlin"},
			want: []string{"(Jane Doe) Tj", "(Senior Engineer) Tj", "(Berlin) Tj", "/F2 18 Tf", "/F1 11 Tf"}},
		{name: "escaped parentheses and backslash", title: `Doe (Jane) \ CV`, lines: []string{`a(b)c\d`},
			want: []string{`(Doe \(Jane\) \\ CV) Tj`, `(a\(b\)c\\d) Tj`}},
		{name: "unbalanced parenthesis", title: "x", lines: []string{"smile :)"},
			want: []string{`(smile :\)) Tj`}},
		{name: "WinAnsi characters in octal", title: "Zoë Šimek", lines: []string{"“quoted” – €5"},
			want: []string{`(Zo\353 \212imek) Tj`, `(\223quoted\224 \226 \2005) Tj`}},
		{name: "characters outside WinAnsi", title: "简历", lines: []string{"tab\there"},
			want: []string{"(??) Tj", "(tab here) Tj"}},
		{name: "long line wrapped", title: "t", lines: []string{long},
			want: []string{"(" + strings.TrimSpace(strings.Repeat("word ", 17)) + ") Tj"}},
		{name: "overflow left out", title: "t", lines: many,
			want: []string{"(line 0) Tj", "(line 40) Tj"}, notWant: []string{"(line 199) Tj"}},
		{name: "empty", title: "", lines: nil, notWant: []string{"Tj"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pdf := GeneratePDF(tc.title, tc.lines)
			if k, err := Detect(pdf); k != KindPDF || err != nil {
				t.Fatalf("Detect = %v, %v; want PDF", k, err)
			}
			for i, c := range pdf {
				if c >= 0x80 || (c < 0x20 && c != '\n') {
					t.Fatalf("byte %d is %#x; the file should be 7-bit text", i, c)
				}
			}
			content := checkPDFStructure(t, pdf)
			for _, w := range tc.want {
				if !strings.Contains(content, w) {
					t.Errorf("content stream lacks %q:\n%s", w, content)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(content, w) {
					t.Errorf("content stream has %q", w)
				}
			}
			checkOnPage(t, content)
		})
	}
}

// checkOnPage asserts every line of text starts inside the page margins.
func checkOnPage(t *testing.T, content string) {
	t.Helper()
	for _, m := range regexp.MustCompile(`Tf (\d+) (-?\d+) Td`).FindAllStringSubmatch(content, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		if x < pdfMargin || y < pdfMargin || y > pdfPageHeight-pdfMargin {
			t.Errorf("text at (%d, %d) is outside the margins", x, y)
		}
	}
}

func TestGeneratePDFInfoTitle(t *testing.T) {
	pdf := GeneratePDF("Zoë (CV)", nil)
	// UTF-16BE with a byte order mark: Z o ë space ( C V ).
	want := "/Title <FEFF005A006F00EB00200028004300560029>"
	if !bytes.Contains(pdf, []byte(want)) {
		t.Errorf("info dictionary lacks %s", want)
	}
}

func TestWrapText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  []string
	}{
		{"fits", "a b c", 10, []string{"a b c"}},
		{"breaks at spaces", "aaa bbb ccc", 7, []string{"aaa bbb", "ccc"}},
		{"cuts an overlong word", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"keeps line breaks", "a\r\nb\n\nc", 10, []string{"a", "b", "", "c"}},
		{"empty gives one blank line", "", 10, []string{""}},
		{"counts runes not bytes", "ëëë ëëë", 7, []string{"ëëë ëëë"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := wrapText(tc.in, tc.width)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Errorf("wrapText(%q, %d) = %q; want %q", tc.in, tc.width, got, tc.want)
			}
		})
	}
}
