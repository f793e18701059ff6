package resume

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// MaxSize is the largest resume the hub keeps, in bytes (10 MiB). It is a
// product limit from the API contract; the HTTP layer should also use it to
// cap the request body so an oversized upload is cut off early.
const MaxSize = 10 << 20

// Kind is a resume format the hub accepts. It is a small value type, not a
// string, so that only formats Detect can produce reach storage and the
// content type and file extension served later always agree with each other.
type Kind uint8

// The accepted formats. KindUnknown is the zero value so a Kind that was
// never set cannot pass for a real format.
const (
	KindUnknown Kind = iota
	KindPDF
	KindDOC
	KindDOCX
	KindRTF
	KindTXT
)

var kindInfo = [...]struct{ name, contentType, ext string }{
	KindUnknown: {"unknown", "application/octet-stream", "bin"},
	KindPDF:     {"PDF", "application/pdf", "pdf"},
	KindDOC:     {"DOC", "application/msword", "doc"},
	KindDOCX:    {"DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
	KindRTF:     {"RTF", "application/rtf", "rtf"},
	KindTXT:     {"TXT", "text/plain; charset=utf-8", "txt"},
}

func (k Kind) info() (name, contentType, ext string) {
	if int(k) >= len(kindInfo) {
		k = KindUnknown
	}
	i := kindInfo[k]
	return i.name, i.contentType, i.ext
}

// ContentType is the media type to store and to send in Content-Type. It is
// canonical (text carries its charset) so that clients and the `resume`
// object in payloads see one spelling per format whatever the uploader sent.
func (k Kind) ContentType() string {
	_, ct, _ := k.info()
	return ct
}

// Ext is the file extension, without the dot, that matches the content. The
// served filename is forced to end with it so a recruiter's machine opens the
// file with the program its bytes are meant for.
func (k Kind) Ext() string {
	_, _, ext := k.info()
	return ext
}

// String names the format the way users know it ("PDF", "DOCX"), for logs
// and messages.
func (k Kind) String() string {
	name, _, _ := k.info()
	return name
}

// The errors Detect and ReadAll return. Callers test them with errors.Is to
// pick a status (ErrUnsupported: 415 or 422, ErrTooLarge: 413, ErrEmpty:
// 422); the returned error's Error() is a sentence fit for the `detail` of a
// problem document, so it can be shown to the uploader as is.
var (
	ErrUnsupported = errors.New("resumes must be PDF, DOC, DOCX, RTF or TXT")
	ErrEmpty       = errors.New("the file is empty")
	ErrTooLarge    = errors.New("the file is larger than 10 MiB")
)

// refusal carries a message written for the uploader while still matching
// one of the sentinels with errors.Is.
type refusal struct {
	detail string
	kind   error
}

func (e *refusal) Error() string { return e.detail }
func (e *refusal) Unwrap() error { return e.kind }

// unsupported explains why a file was refused. what completes the sentence
// "the file is …".
func unsupported(what string) error {
	return &refusal{
		detail: "the file is " + what + "; " + ErrUnsupported.Error(),
		kind:   ErrUnsupported,
	}
}

// ReadAll reads an upload while enforcing MaxSize, so a handler never holds
// more than MaxSize+1 bytes of an oversized body in memory and gets the same
// errors Detect would give.
func ReadAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("resume: reading upload: %w", err)
	}
	switch {
	case len(data) == 0:
		return nil, ErrEmpty
	case len(data) > MaxSize:
		return nil, ErrTooLarge
	}
	return data, nil
}

// ETag is the strong entity tag to serve with a resume. It is derived from
// the bytes alone, so it is the same from every hub process and after a
// restart, and changes whenever the bytes do; 128 bits of SHA-256 make an
// accidental match between two files out of the question.
func ETag(data []byte) string {
	sum := sha256.Sum256(data)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}
