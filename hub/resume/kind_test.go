package resume

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"
)

func TestKind(t *testing.T) {
	tests := []struct {
		kind             Kind
		name, ctype, ext string
	}{
		{KindPDF, "PDF", "application/pdf", "pdf"},
		{KindDOC, "DOC", "application/msword", "doc"},
		{KindDOCX, "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
		{KindRTF, "RTF", "application/rtf", "rtf"},
		{KindTXT, "TXT", "text/plain; charset=utf-8", "txt"},
		{KindUnknown, "unknown", "application/octet-stream", "bin"},
		{Kind(200), "unknown", "application/octet-stream", "bin"},
	}
	for _, tc := range tests {
		t.Run(tc.name+"/"+tc.ext, func(t *testing.T) {
			if got := tc.kind.String(); got != tc.name {
				t.Errorf("String = %q; want %q", got, tc.name)
			}
			if got := tc.kind.ContentType(); got != tc.ctype {
				t.Errorf("ContentType = %q; want %q", got, tc.ctype)
			}
			if got := tc.kind.Ext(); got != tc.ext {
				t.Errorf("Ext = %q; want %q", got, tc.ext)
			}
		})
	}
}

func TestETag(t *testing.T) {
	quoted := regexp.MustCompile(`^"[0-9a-f]{32}"$`)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		// SHA-256 of the empty string starts e3b0c442…
		{"empty", nil, `"e3b0c44298fc1c149afbf4c8996fb924"`},
		// SHA-256("abc") starts ba7816bf…
		{"abc", []byte("abc"), `"ba7816bf8f01cfea414140de5dae2223"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ETag(tc.data)
			if got != tc.want || !quoted.MatchString(got) {
				t.Errorf("ETag = %s; want %s", got, tc.want)
			}
		})
	}
	t.Run("differs by one byte", func(t *testing.T) {
		if ETag([]byte("abd")) == ETag([]byte("abc")) {
			t.Errorf("two files share an ETag")
		}
	})
}

func TestReadAll(t *testing.T) {
	boom := errors.New("connection reset")
	tests := []struct {
		name    string
		in      func() ([]byte, error)
		wantLen int
		wantErr error
	}{
		{"small", func() ([]byte, error) { return ReadAll(strings.NewReader("cv")) }, 2, nil},
		{"exactly MaxSize", func() ([]byte, error) { return ReadAll(bytes.NewReader(make([]byte, MaxSize))) }, MaxSize, nil},
		{"one byte over", func() ([]byte, error) { return ReadAll(bytes.NewReader(make([]byte, MaxSize+1))) }, 0, ErrTooLarge},
		{"empty", func() ([]byte, error) { return ReadAll(strings.NewReader("")) }, 0, ErrEmpty},
		{"reader fails", func() ([]byte, error) { return ReadAll(iotest.ErrReader(boom)) }, 0, boom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, err := tc.in()
			if !errors.Is(err, tc.wantErr) || len(data) != tc.wantLen {
				t.Errorf("ReadAll = %d bytes, %v; want %d bytes, %v", len(data), err, tc.wantLen, tc.wantErr)
			}
		})
	}
}
