package resume

import (
	"errors"
	"testing"
)

func TestPrepare(t *testing.T) {
	pdf := GeneratePDF("Amara Okafor", []string{"CV"})
	for _, tc := range []struct {
		name, in string
		data     []byte
		wantName string
		wantType string
		wantErr  error
	}{
		{"pdf keeps its name", "cv.pdf", pdf, "cv.pdf", "application/pdf", nil},
		{"the extension follows the content", "C:\\Users\\ann\\cv.exe", pdf, "cv.pdf", "application/pdf", nil},
		{"no name", "", pdf, "resume.pdf", "application/pdf", nil},
		{"text without charset parameter", "notes.txt", []byte("Amara Okafor\nEngineer\n"), "notes.txt", "text/plain", nil},
		{"docx", "cv.docx", buildDOCX(t), "cv.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", nil},
		{"a program is refused", "cv.pdf", buildPE(), "", "", ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, ct, err := Prepare(tc.in, tc.data)
			if !errors.Is(err, tc.wantErr) || name != tc.wantName || ct != tc.wantType {
				t.Fatalf("Prepare(%q) = %q, %q, %v; want %q, %q, %v", tc.in, name, ct, err, tc.wantName, tc.wantType, tc.wantErr)
			}
		})
	}
}

func TestDispositionFilename(t *testing.T) {
	for in, want := range map[string]string{
		``:                              "",
		`attachment`:                    "",
		`attachment; filename="cv.pdf"`: "cv.pdf",
		`inline; filename=cv.pdf`:       "cv.pdf",
		`attachment; filename="a.pdf"; filename*=UTF-8''Zo%C3%AB%20CV.pdf`: "Zoë CV.pdf",
		`attachment; filename="unterminated`:                               "",
	} {
		if got := DispositionFilename(in); got != want {
			t.Errorf("DispositionFilename(%q) = %q, want %q", in, got, want)
		}
	}
}
