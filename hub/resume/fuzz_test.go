package resume

import (
	"errors"
	"strings"
	"testing"
)

// The seeds run as ordinary tests; `go test -fuzz=FuzzDetect` explores
// further. Detect reads untrusted uploads, so it must never panic and must
// answer with either a real kind or a sentinel-matching refusal.
func FuzzDetect(f *testing.F) {
	for _, seed := range [][]byte{
		GeneratePDF("t", []string{"l"}), buildDOC(f), buildDOCX(f), buildPE(), buildELF(),
		buildCFB(f, cfbSpec{shift: 12, entries: wordEntries()}),
		buildZip(f, zipEntry{"a", "b"}),
		[]byte(`{\rtf1 x}`), []byte("\xEF\xBB\xBFtext"), []byte("MZ"), magicOLE, []byte("PK\x03\x04"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := Detect(data)
		if err == nil {
			if k == KindUnknown {
				t.Fatalf("no error and no kind")
			}
			return
		}
		if k != KindUnknown {
			t.Fatalf("kind %v returned with error %v", k, err)
		}
		if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("error %v matches no sentinel", err)
		}
		if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\r\n") {
			t.Fatalf("message %q is unusable as an API detail", msg)
		}
	})
}

func FuzzSanitizeFilename(f *testing.F) {
	for _, seed := range []string{
		"cv.pdf", "../../etc/passwd", `C:\x\cv.exe`, ".pdf", "CON.pdf", "cv.pdf.pdf. .exe",
		"Zoë Šimek CV.pdf", "cv\u202Efdp.exe", strings.Repeat("é", 200), "a\x00b\r\n.txt",
	} {
		f.Add(seed, uint8(KindPDF))
	}
	f.Fuzz(func(t *testing.T, name string, k uint8) {
		kind := Kind(k%uint8(KindTXT) + 1)
		checkSafeFilename(t, SanitizeFilename(name, kind), kind)
	})
}

func FuzzContentDisposition(f *testing.F) {
	for _, seed := range []string{"cv.pdf", "Zoë Šimek CV.pdf", `a"b\c%d`, "x\r\ny", "简历.pdf", "'"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := ContentDisposition(name)
		if strings.ToValidUTF8(name, "") == "" {
			if got != "attachment" {
				t.Fatalf("ContentDisposition(%q) = %q", name, got)
			}
			return
		}
		checkDisposition(t, name, got)
	})
}
